//! The attacker's tools on the token in memory (`forge`): try a word list as its secret, sign
//! it for another user, or write an unsigned one. Each result becomes the token the next
//! bearer request sends.

use leptos::prelude::*;
use shared::challenge::SECRET_WORDS;

use super::forge::{self, Cracked};
use crate::{
    controls::set_text,
    labs::vulnerable::{JWT_ALG_NONE, VulnerableToggle},
    state::{Jwt, LiveSettings, Panel, Problem},
};

#[component]
pub fn TokenTools(
    /// The token panel's secret field: a word found goes there, and signing uses it.
    secret: RwSignal<String>,
    /// The token panel's payload editor: signing for another user edits it.
    payload: RwSignal<String>,
) -> impl IntoView {
    let jwt = expect_context::<Jwt>();
    let problem = expect_context::<Problem>();
    let live = expect_context::<LiveSettings>();
    let typed_words = RwSignal::new(String::new());
    let cracked = RwSignal::new(None::<Result<Cracked, String>>);
    let crack = move |_| {
        let Some(token) = jwt.0.get_untracked() else { return };
        let typed = typed_words.get_untracked();
        let result = forge::crack(&token, forge::word_list(&SECRET_WORDS, &typed));
        if let Ok(Cracked { found: Some(word), .. }) = &result {
            secret.set(word.clone());
        }
        cracked.set(Some(result));
    };
    let sub = RwSignal::new("2".to_owned());
    let sign_as = move |_| match forge::with_sub(&payload.get_untracked(), sub.get_untracked().trim()) {
        Ok(claims) => {
            payload.set(claims.clone());
            jwt.0.set(Some(shared::jwt::sign_parts(shared::jwt::HS256_HEADER, claims.as_bytes(), secret.get_untracked().as_bytes())));
            problem.clear();
        }
        Err(why) => problem.report(Panel::Auth, format!("Not signed: {why}.")),
    };
    let unsigned_sub = RwSignal::new("2".to_owned());
    let write_unsigned = move |_| {
        let now = (js_sys::Date::now() / 1000.0).floor() as i64;
        jwt.0.set(Some(forge::unsigned(unsigned_sub.get_untracked().trim(), now)));
    };
    let no_token = move || jwt.0.with(Option::is_none);
    let alg_none_on = move || live.vulnerable().is_some_and(|v| v.jwt_alg_none);
    view! {
        <div class="token-tools" id="token-tools">
            <h4>"Try a word list (offline)"</h4>
            <p class="small">
                "Anyone holding an HS256 token can test guesses of its secret without asking the server: recompute the signature "
                "with each word and compare. The list: " {SECRET_WORDS.join(", ")} "."
            </p>
            <label class="wide">"More words to try (optional, separated by spaces, commas or lines)"
                <textarea id="jwt-words" rows="2" prop:value=typed_words on:input=set_text(typed_words)></textarea>
            </label>
            <div class="buttons">
                <button id="jwt-crack" on:click=crack disabled=no_token>"Try the word list on the token"</button>
            </div>
            {move || cracked.get().map(|result| match result {
                Ok(Cracked { found: Some(word), tried }) => view! {
                    <p id="jwt-crack-result" data-found=word.clone() data-tried=tried.to_string()>
                        "Found: the secret is " <code>{word.clone()}</code> {format!(" (the {} word tried). It is now in the Secret field.", ordinal(tried))}
                    </p>
                }.into_any(),
                Ok(Cracked { found: None, tried }) => view! {
                    <p id="jwt-crack-result" data-found="" data-tried=tried.to_string()>{format!("None of the {tried} words tried is the secret.")}</p>
                }.into_any(),
                Err(why) => view! { <p id="jwt-crack-result" class="error" data-found="">{format!("Nothing to try: {why}.")}</p> }.into_any(),
            })}

            <h4>"Sign for another user"</h4>
            <p class="small">"Puts the user id in the payload's sub (dropping its email, which named the first user) and signs it with the Secret field, HS256."</p>
            <div class="fields">
                <label>"sub " <input id="jwt-sub" size="6" prop:value=sub on:input=set_text(sub)/></label>
                <button id="jwt-sign-as" on:click=sign_as>"Sign for this user"</button>
            </div>

            <h4>"Write an unsigned token"</h4>
            <p class="small">
                "Header " <code>{forge::UNSIGNED_HEADER}</code> ", the chosen sub, an hour to live, and an empty signature. "
                "It works only while the deliberately vulnerable setting below is on; the server refuses alg none otherwise (401 unsupported_alg)."
            </p>
            <div class="fields">
                <label>"sub " <input id="jwt-unsigned-sub" size="6" prop:value=unsigned_sub on:input=set_text(unsigned_sub)/></label>
                <button id="jwt-write-unsigned" on:click=write_unsigned>"Write it (it becomes the token in memory)"</button>
            </div>
            <VulnerableToggle setting=JWT_ALG_NONE at=Panel::Auth/>
            <p class="small" id="jwt-alg-none-state" data-on=move || alg_none_on().to_string()>
                {move || if alg_none_on() {
                    "The server now accepts unsigned tokens: send one with \u{201c}Send it\u{201d} above."
                } else {
                    "The server refuses unsigned tokens now."
                }}
            </p>
        </div>
    }
}

/// 1 → "1st", 2 → "2nd", 11 → "11th".
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn ordinals() {
        assert_eq!([1, 2, 3, 4, 11, 12, 13, 16, 21, 22].map(super::ordinal), ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "16th", "21st", "22nd"]);
    }
}
