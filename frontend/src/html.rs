//! Markup written as text, for a view that never changes once shown (one request's result):
//! set once through `inner_html`, it costs the wasm a fraction of the same view as nodes,
//! each of which is code of its own. Everything that is not a literal in the source goes
//! through `text` or an attribute value, and is escaped there.

#[derive(Default)]
pub struct Html(String);

impl Html {
    /// `<tag name="value" …>`; names are literals, values are escaped.
    pub fn open(&mut self, tag: &str, attributes: &[(&str, &str)]) -> &mut Self {
        self.0.push('<');
        self.0.push_str(tag);
        for (name, value) in attributes {
            self.0.push(' ');
            self.0.push_str(name);
            self.0.push_str("=\"");
            self.text(value);
            self.0.push('"');
        }
        self.0.push('>');
        self
    }

    pub fn close(&mut self, tag: &str) -> &mut Self {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    /// `<tag …>text</tag>`.
    pub fn element(&mut self, tag: &str, attributes: &[(&str, &str)], text: &str) -> &mut Self {
        self.open(tag, attributes).text(text).close(tag)
    }

    /// `text`, escaped: it may hold anything a server or a person wrote.
    pub fn text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                c => self.0.push(c),
            }
        }
        self
    }

    /// Markup written in the source itself, as it is.
    pub fn markup(&mut self, markup: &'static str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    pub fn finish(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_values_are_escaped_literals_are_not() {
        let mut html = Html::default();
        html.open("p", &[("class", "a\"b"), ("data-x", "<&>")]).markup("<br>").text("1 < 2 & \"3\"").close("p");
        html.element("code", &[], "<script>");
        assert_eq!(html.finish(), "<p class=\"a&quot;b\" data-x=\"&lt;&amp;&gt;\"><br>1 &lt; 2 &amp; &quot;3&quot;</p><code>&lt;script&gt;</code>");
    }
}
