//! Tokens of the KQL subset: identifiers (with the hyphenated operator names
//! `project-away`, `mv-expand`), string literals in `'` or `"` (with `\`
//! escapes, and `@'...'` verbatim strings), numbers, operators and
//! punctuation. `//` comments run to the end of the line. Every token keeps
//! its character position so errors can name it.

use super::QueryError;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    /// `|`, `,`, `(`, `)`, `[`, `]`, `.`, `=`, `==`, `!=`, `=~`, `!~`, `<`,
    /// `<=`, `>`, `>=`, `$left`/`$right` are idents starting with `$`.
    Sym(&'static str),
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// Character offset in the query (0-based).
    pub pos: usize,
    /// The token as written (for error messages).
    pub text: String,
}

const SYMS: &[&str] = &["==", "!=", "=~", "!~", "<=", ">=", "|", ",", "(", ")", "[", "]", ".", "=", "<", ">"];
/// Keywords written with a hyphen; `a-b` is otherwise not part of the subset.
const HYPHENATED: &[&str] = &["project-away", "project-rename", "project-keep", "project-reorder", "mv-expand", "mv-apply"];

pub fn lex(src: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        let text = |end: usize| chars[start..end.min(chars.len())].iter().collect::<String>();
        if c == '\'' || c == '"' || (c == '@' && matches!(chars.get(i + 1), Some('\'') | Some('"'))) {
            let verbatim = c == '@';
            if verbatim {
                i += 1;
            }
            let quote = chars[i];
            i += 1;
            let mut s = String::new();
            loop {
                let Some(&d) = chars.get(i) else {
                    return Err(QueryError::at(start, &text(i), "the string literal is not closed"));
                };
                i += 1;
                if d == quote {
                    break;
                }
                if d == '\\' && !verbatim {
                    let Some(&e) = chars.get(i) else {
                        return Err(QueryError::at(start, &text(i), "the string literal is not closed"));
                    };
                    i += 1;
                    s.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        other => other,
                    });
                } else {
                    s.push(d);
                }
            }
            out.push(Token { tok: Tok::Str(s), pos: start, text: text(i) });
            continue;
        }
        if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let t = text(i);
            let n: f64 = t.parse().map_err(|_| QueryError::at(start, &t, "this number is not valid"))?;
            out.push(Token { tok: Tok::Num(n), pos: start, text: t });
            continue;
        }
        if c.is_alphabetic() || c == '_' || c == '$' {
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            // `project-away` and friends, and `in~`.
            if chars.get(i) == Some(&'-') {
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_alphabetic() {
                    j += 1;
                }
                if HYPHENATED.iter().any(|h| h.eq_ignore_ascii_case(&text(j))) {
                    i = j;
                }
            }
            if chars.get(i) == Some(&'~') && text(i).eq_ignore_ascii_case("in") {
                i += 1;
            }
            let t = text(i);
            out.push(Token { tok: Tok::Ident(t.clone()), pos: start, text: t });
            continue;
        }
        // Negated string operators: `!in`, `!in~`, `!has`, `!contains`, `!startswith`, ...
        if c == '!' && chars.get(i + 1).is_some_and(|d| d.is_alphabetic()) {
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            if chars.get(i) == Some(&'~') {
                i += 1;
            }
            let t = text(i);
            out.push(Token { tok: Tok::Ident(t.clone()), pos: start, text: t });
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        match SYMS.iter().find(|s| rest.starts_with(**s)) {
            Some(s) => {
                i += s.chars().count();
                out.push(Token { tok: Tok::Sym(s), pos: start, text: s.to_string() });
            }
            None => return Err(QueryError::at(start, &c.to_string(), "this character is not part of the supported query language")),
        }
    }
    out.push(Token { tok: Tok::End, pos: chars.len(), text: "<end of query>".into() });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_operators_strings_and_comments() {
        let t = lex("securityresources // all\n| project-away x | where a =~ \"B\\\"c\" and n >= 2.5 and k !in~ ('x')").expect("lex");
        let kinds: Vec<String> = t.iter().map(|t| t.text.clone()).collect();
        assert_eq!(
            kinds,
            [
                "securityresources",
                "|",
                "project-away",
                "x",
                "|",
                "where",
                "a",
                "=~",
                "\"B\\\"c\"",
                "and",
                "n",
                ">=",
                "2.5",
                "and",
                "k",
                "!in~",
                "(",
                "'x'",
                ")",
                "<end of query>"
            ]
        );
        assert_eq!(t[8].tok, Tok::Str("B\"c".into()));
        assert_eq!(t[2].pos, 27);
        assert!(lex("a | where x == 'open").is_err());
        let e = lex("a | where x # 1").expect_err("bad char");
        assert_eq!(e.pos, 12);
    }
}
