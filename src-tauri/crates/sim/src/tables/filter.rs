//! The `$filter` subset of OData the Table service supports: comparisons
//! (`eq ne gt ge lt le`) of a property with a literal, `and`, `or`, `not`
//! and parentheses. Literals: `'string'` (quote doubled inside), integers
//! (`L` suffix for Int64), doubles, `true`/`false`, `datetime'…'`, `guid'…'`.
//! A comparison of different types, or with a property the entity lacks, is
//! false, as in the service.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use super::entity::parse_datetime;
use super::TableError;

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Int(i64),
    Double(f64),
    Bool(bool),
    DateTime(DateTime<Utc>),
    Guid(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Cmp { prop: String, op: Op, lit: Lit },
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Lit(Lit),
    Open,
    Close,
}

fn bad(msg: impl Into<String>) -> TableError {
    TableError::bad("InvalidInput", format!("The query filter is invalid: {}", msg.into()))
}

fn quoted(chars: &[char], mut i: usize) -> Result<(String, usize), TableError> {
    // chars[i] is the opening quote.
    i += 1;
    let mut s = String::new();
    loop {
        match chars.get(i) {
            None => return Err(bad("a string literal is not closed")),
            Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                s.push('\'');
                i += 2;
            }
            Some('\'') => return Ok((s, i + 1)),
            Some(c) => {
                s.push(*c);
                i += 1;
            }
        }
    }
}

fn lex(input: &str) -> Result<Vec<Tok>, TableError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            out.push(Tok::Close);
            i += 1;
        } else if c == '\'' {
            let (s, next) = quoted(&chars, i)?;
            out.push(Tok::Lit(Lit::Str(s)));
            i = next;
        } else if c.is_ascii_digit() || c == '-' || c == '.' {
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')) {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let lit = if let Some(n) = text.strip_suffix('L').or_else(|| text.strip_suffix('l')) {
                Lit::Int(n.parse().map_err(|_| bad(format!("'{text}' is not a number")))?)
            } else if let Ok(n) = text.parse::<i64>() {
                Lit::Int(n)
            } else {
                Lit::Double(text.parse().map_err(|_| bad(format!("'{text}' is not a number")))?)
            };
            out.push(Tok::Lit(lit));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if chars.get(i) == Some(&'\'') {
                let (s, next) = quoted(&chars, i)?;
                i = next;
                let lit = match word.to_ascii_lowercase().as_str() {
                    "datetime" => Lit::DateTime(parse_datetime(&s).ok_or_else(|| bad(format!("'{s}' is not a datetime")))?),
                    "guid" => Lit::Guid(uuid::Uuid::parse_str(&s).map_err(|_| bad(format!("'{s}' is not a guid")))?.to_string()),
                    other => return Err(bad(format!("literals of type '{other}' are not supported"))),
                };
                out.push(Tok::Lit(lit));
            } else {
                out.push(match word.as_str() {
                    "true" => Tok::Lit(Lit::Bool(true)),
                    "false" => Tok::Lit(Lit::Bool(false)),
                    _ => Tok::Ident(word),
                });
            }
        } else {
            return Err(bad(format!("unexpected character '{c}'")));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Ident(x)) if x == w)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn or(&mut self) -> Result<Filter, TableError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }
    fn and(&mut self) -> Result<Filter, TableError> {
        let mut left = self.not()?;
        while self.peek_word("and") {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }
    fn not(&mut self) -> Result<Filter, TableError> {
        if self.peek_word("not") {
            self.pos += 1;
            return Ok(Filter::Not(Box::new(self.not()?)));
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Filter, TableError> {
        match self.next() {
            Some(Tok::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Tok::Close) => Ok(inner),
                    _ => Err(bad("a parenthesis is not closed")),
                }
            }
            Some(Tok::Ident(prop)) => {
                let op = match self.next() {
                    Some(Tok::Ident(o)) => match o.as_str() {
                        "eq" => Op::Eq,
                        "ne" => Op::Ne,
                        "gt" => Op::Gt,
                        "ge" => Op::Ge,
                        "lt" => Op::Lt,
                        "le" => Op::Le,
                        _ => return Err(bad(format!("'{o}' is not a comparison operator"))),
                    },
                    _ => return Err(bad(format!("'{prop}' must be compared with a value"))),
                };
                match self.next() {
                    Some(Tok::Lit(lit)) => Ok(Filter::Cmp { prop, op, lit }),
                    _ => Err(bad(format!("'{prop}' must be compared with a literal"))),
                }
            }
            _ => Err(bad("expected a comparison")),
        }
    }
}

pub fn parse(input: &str) -> Result<Filter, TableError> {
    let mut p = Parser { toks: lex(input)?, pos: 0 };
    let f = p.or()?;
    if p.pos < p.toks.len() {
        return Err(bad("unexpected text after the expression"));
    }
    Ok(f)
}

fn compare(a: &Lit, b: &Lit) -> Option<Ordering> {
    match (a, b) {
        (Lit::Str(x), Lit::Str(y)) => Some(x.cmp(y)),
        (Lit::Int(x), Lit::Int(y)) => Some(x.cmp(y)),
        (Lit::Double(x), Lit::Double(y)) => x.partial_cmp(y),
        (Lit::Int(x), Lit::Double(y)) => (*x as f64).partial_cmp(y),
        (Lit::Double(x), Lit::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Lit::Bool(x), Lit::Bool(y)) => Some(x.cmp(y)),
        (Lit::DateTime(x), Lit::DateTime(y)) => Some(x.cmp(y)),
        (Lit::Guid(x), Lit::Guid(y)) => Some(x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase())),
        _ => None,
    }
}

impl Filter {
    /// Does an item match? `get` gives a property's value as a literal.
    pub fn matches(&self, get: &dyn Fn(&str) -> Option<Lit>) -> bool {
        match self {
            Filter::And(a, b) => a.matches(get) && b.matches(get),
            Filter::Or(a, b) => a.matches(get) || b.matches(get),
            Filter::Not(a) => !a.matches(get),
            Filter::Cmp { prop, op, lit } => {
                let Some(value) = get(prop) else { return false };
                let Some(ord) = compare(&value, lit) else { return false };
                match op {
                    Op::Eq => ord == Ordering::Equal,
                    Op::Ne => ord != Ordering::Equal,
                    Op::Gt => ord == Ordering::Greater,
                    Op::Ge => ord != Ordering::Less,
                    Op::Lt => ord == Ordering::Less,
                    Op::Le => ord != Ordering::Greater,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(name: &str) -> Option<Lit> {
        match name {
            "PartitionKey" => Some(Lit::Str("tenant-1".into())),
            "RowKey" => Some(Lit::Str("req-0005".into())),
            "State" => Some(Lit::Str("Pending".into())),
            "Count" => Some(Lit::Int(7)),
            _ => None,
        }
    }

    #[test]
    fn parses_and_evaluates() {
        let t = |f: &str| parse(f).expect(f).matches(&get);
        assert!(t("PartitionKey eq 'tenant-1'"));
        assert!(t("PartitionKey eq 'tenant-1' and RowKey gt 'req-0004' and RowKey le 'req-0005'"));
        assert!(!t("PartitionKey eq 'tenant-1' and State eq 'Approved'"));
        assert!(t("(State eq 'Approved' or State eq 'Pending') and not (Count lt 5)"));
        assert!(t("Count eq 7L"));
        assert!(!t("Missing eq 'x'"));
        assert!(!t("Count eq '7'"));
        assert!(!t("State eq 'Pend''ing'"));
        assert!(parse("PartitionKey eq").is_err());
        assert!(parse("PartitionKey eq 'x").is_err());
    }
}
