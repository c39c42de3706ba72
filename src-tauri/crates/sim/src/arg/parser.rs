//! Recursive-descent parser from tokens to [`Query`]. Precedence, loosest
//! first: `or`, `and`, comparisons and string operators, postfix `.name` /
//! `[index]`, primaries (literals, columns, calls, parentheses).

use serde_json::{json, Value};

use super::ast::{Agg, BinOp, Expr, JoinKind, Op, Query};
use super::lexer::{lex, Tok, Token};
use super::tables::TABLES;
use super::QueryError;

pub fn parse(src: &str) -> Result<Query, QueryError> {
    let toks = lex(src)?;
    let mut p = Parser { toks, i: 0, unnamed: 0 };
    let q = p.query()?;
    match p.peek().tok {
        Tok::End => Ok(q),
        _ => Err(p.unexpected("expected '|' or the end of the query")),
    }
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    /// Counter for `Column1`, `Column2`, ... (unnamed computed columns).
    unnamed: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        // `lex` always ends with `End`, and `next` never moves past it.
        &self.toks[self.i.min(self.toks.len() - 1)]
    }
    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::End {
            self.i += 1;
        }
        t
    }
    fn unexpected(&self, why: &str) -> QueryError {
        let t = self.peek();
        QueryError::at(t.pos, &t.text, why)
    }
    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek().tok, Tok::Sym(x) if x == s)
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(x) if x == w)
    }
    fn eat_sym(&mut self, s: &str) -> bool {
        let hit = self.is_sym(s);
        if hit {
            self.i += 1;
        }
        hit
    }
    fn eat_word(&mut self, w: &str) -> bool {
        let hit = self.is_word(w);
        if hit {
            self.i += 1;
        }
        hit
    }
    fn expect_sym(&mut self, s: &str) -> Result<(), QueryError> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("expected '{s}'")))
        }
    }
    fn name(&mut self) -> Result<String, QueryError> {
        match &self.peek().tok {
            Tok::Ident(n) if !n.starts_with('$') && !n.starts_with('!') => {
                let n = n.clone();
                self.i += 1;
                Ok(n)
            }
            _ => Err(self.unexpected("expected a column name")),
        }
    }
    fn count(&mut self) -> Result<usize, QueryError> {
        match self.peek().tok {
            Tok::Num(n) if n >= 0.0 && n.fract() == 0.0 && n <= 1e9 => {
                self.i += 1;
                Ok(n as usize)
            }
            _ => Err(self.unexpected("expected a whole number")),
        }
    }

    fn query(&mut self) -> Result<Query, QueryError> {
        let t = self.next();
        let source = match &t.tok {
            Tok::Ident(n) if TABLES.iter().any(|x| x.eq_ignore_ascii_case(n)) => n.to_ascii_lowercase(),
            _ => {
                return Err(QueryError::at(t.pos, &t.text, &format!("expected a table of the simulator's subset ({})", TABLES.join(", "))))
            }
        };
        let mut ops = Vec::new();
        while self.eat_sym("|") {
            ops.push(self.op()?);
        }
        Ok(Query { source, ops })
    }

    fn op(&mut self) -> Result<Op, QueryError> {
        let t = self.next();
        let word = match &t.tok {
            Tok::Ident(w) => w.as_str(),
            _ => return Err(QueryError::at(t.pos, &t.text, "expected a query operator")),
        };
        Ok(match word {
            "where" | "filter" => Op::Where(self.expr()?),
            "project" => Op::Project(self.items()?),
            "project-away" => {
                let mut cols = vec![self.name()?];
                while self.eat_sym(",") {
                    cols.push(self.name()?);
                }
                Op::ProjectAway(cols)
            }
            "extend" => Op::Extend(self.items()?),
            "summarize" => self.summarize()?,
            "order" | "sort" => {
                if !self.eat_word("by") {
                    return Err(self.unexpected("expected 'by'"));
                }
                let mut keys = Vec::new();
                loop {
                    let e = self.expr()?;
                    // KQL sorts descending unless told otherwise.
                    let desc = if self.eat_word("asc") {
                        false
                    } else {
                        self.eat_word("desc");
                        true
                    };
                    keys.push((e, desc));
                    if !self.eat_sym(",") {
                        break;
                    }
                }
                Op::Order(keys)
            }
            "take" | "limit" => Op::Take(self.count()?),
            "distinct" => Op::Distinct(self.items()?),
            "join" => self.join()?,
            "mv-expand" => {
                let mut items = self.items()?;
                if items.len() != 1 {
                    return Err(QueryError::at(t.pos, &t.text, "the subset's mv-expand takes exactly one column"));
                }
                let (n, e) = items.remove(0);
                Op::MvExpand(n, e)
            }
            _ => return Err(QueryError::at(t.pos, &t.text, "this operator is not part of the simulator's query subset")),
        })
    }

    /// `name = expr` or `expr`, separated by commas.
    fn items(&mut self) -> Result<Vec<(String, Expr)>, QueryError> {
        let mut out = Vec::new();
        loop {
            out.push(self.item()?);
            if !self.eat_sym(",") {
                return Ok(out);
            }
        }
    }

    fn item(&mut self) -> Result<(String, Expr), QueryError> {
        let named = matches!(&self.peek().tok, Tok::Ident(_)) && matches!(self.toks.get(self.i + 1).map(|t| &t.tok), Some(Tok::Sym("=")));
        if named {
            let n = self.name()?;
            self.i += 1;
            return Ok((n, self.expr()?));
        }
        let e = self.expr()?;
        let n = match e.default_name() {
            Some(n) => n,
            None => {
                self.unnamed += 1;
                format!("Column{}", self.unnamed)
            }
        };
        Ok((n, e))
    }

    fn summarize(&mut self) -> Result<Op, QueryError> {
        let mut aggs = Vec::new();
        if !self.is_word("by") {
            loop {
                let named =
                    matches!(&self.peek().tok, Tok::Ident(_)) && matches!(self.toks.get(self.i + 1).map(|t| &t.tok), Some(Tok::Sym("=")));
                let given = if named {
                    let n = self.name()?;
                    self.i += 1;
                    Some(n)
                } else {
                    None
                };
                let t = self.next();
                let f = match &t.tok {
                    Tok::Ident(f) => f.clone(),
                    _ => return Err(QueryError::at(t.pos, &t.text, "expected an aggregation such as count()")),
                };
                self.expect_sym("(")?;
                let arg = if self.is_sym(")") { None } else { Some(self.expr()?) };
                self.expect_sym(")")?;
                let (agg, default) = match (f.as_str(), arg) {
                    ("count", None) => (Agg::Count, "count_".to_string()),
                    ("countif", Some(e)) => (Agg::CountIf(e), "countif_".to_string()),
                    ("dcount", Some(e)) => {
                        let n = format!("dcount_{}", e.default_name().unwrap_or_default());
                        (Agg::DCount(e), n)
                    }
                    ("sum", Some(e)) => {
                        let n = format!("sum_{}", e.default_name().unwrap_or_default());
                        (Agg::Sum(e), n)
                    }
                    ("min", Some(e)) => {
                        let n = format!("min_{}", e.default_name().unwrap_or_default());
                        (Agg::Min(e), n)
                    }
                    ("max", Some(e)) => {
                        let n = format!("max_{}", e.default_name().unwrap_or_default());
                        (Agg::Max(e), n)
                    }
                    _ => {
                        return Err(QueryError::at(
                            t.pos,
                            &t.text,
                            "this aggregation (or its arguments) is not part of the subset: count(), countif(p), dcount(x), sum(x), min(x), max(x)",
                        ))
                    }
                };
                aggs.push((given.unwrap_or(default), agg));
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        let by = if self.eat_word("by") { self.items()? } else { Vec::new() };
        if aggs.is_empty() && by.is_empty() {
            return Err(self.unexpected("expected an aggregation or 'by'"));
        }
        Ok(Op::Summarize { aggs, by })
    }

    fn join(&mut self) -> Result<Op, QueryError> {
        let mut kind = JoinKind::InnerUnique;
        if self.eat_word("kind") {
            self.expect_sym("=")?;
            let t = self.next();
            kind = match &t.tok {
                Tok::Ident(k) if k == "leftouter" => JoinKind::LeftOuter,
                Tok::Ident(k) if k == "inner" => JoinKind::Inner,
                Tok::Ident(k) if k == "innerunique" => JoinKind::InnerUnique,
                _ => return Err(QueryError::at(t.pos, &t.text, "the subset joins with kind=inner, innerunique or leftouter")),
            };
        }
        self.expect_sym("(")?;
        let right = self.query()?;
        self.expect_sym(")")?;
        if !self.eat_word("on") {
            return Err(self.unexpected("expected 'on'"));
        }
        let mut on = Vec::new();
        loop {
            if self.is_word("$left") || self.is_word("$right") {
                let (a_side, a) = self.side_col()?;
                self.expect_sym("==")?;
                let (b_side, b) = self.side_col()?;
                match (a_side.as_str(), b_side.as_str()) {
                    ("$left", "$right") => on.push((a, b)),
                    ("$right", "$left") => on.push((b, a)),
                    _ => return Err(self.unexpected("a join condition compares $left.column with $right.column")),
                }
            } else {
                let c = self.name()?;
                on.push((c.clone(), c));
            }
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(Op::Join { kind, right: Box::new(right), on })
    }

    fn side_col(&mut self) -> Result<(String, String), QueryError> {
        let t = self.next();
        let side = match &t.tok {
            Tok::Ident(s) if s == "$left" || s == "$right" => s.clone(),
            _ => return Err(QueryError::at(t.pos, &t.text, "expected $left or $right")),
        };
        self.expect_sym(".")?;
        Ok((side, self.name()?))
    }

    fn expr(&mut self) -> Result<Expr, QueryError> {
        let mut l = self.and()?;
        while self.eat_word("or") {
            l = Expr::Bin(BinOp::Or, Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut l = self.cmp()?;
        while self.eat_word("and") {
            l = Expr::Bin(BinOp::And, Box::new(l), Box::new(self.cmp()?));
        }
        Ok(l)
    }

    fn cmp(&mut self) -> Result<Expr, QueryError> {
        let l = self.postfix()?;
        let op = match &self.peek().tok {
            Tok::Sym("==") => Some(BinOp::Eq),
            Tok::Sym("!=") => Some(BinOp::Ne),
            Tok::Sym("=~") => Some(BinOp::EqCi),
            Tok::Sym("!~") => Some(BinOp::NeCi),
            Tok::Sym("<") => Some(BinOp::Lt),
            Tok::Sym("<=") => Some(BinOp::Le),
            Tok::Sym(">") => Some(BinOp::Gt),
            Tok::Sym(">=") => Some(BinOp::Ge),
            Tok::Ident(w) => match w.as_str() {
                "has" => Some(BinOp::Has(false)),
                "!has" => Some(BinOp::Has(true)),
                "contains" => Some(BinOp::Contains(false)),
                "!contains" => Some(BinOp::Contains(true)),
                "startswith" => Some(BinOp::StartsWith(false)),
                "!startswith" => Some(BinOp::StartsWith(true)),
                "endswith" => Some(BinOp::EndsWith(false)),
                "!endswith" => Some(BinOp::EndsWith(true)),
                "in" | "!in" | "in~" | "!in~" => {
                    let negated = w.starts_with('!');
                    let ci = w.ends_with('~');
                    self.i += 1;
                    self.expect_sym("(")?;
                    let mut list = Vec::new();
                    if !self.is_sym(")") {
                        loop {
                            list.push(self.postfix()?);
                            if !self.eat_sym(",") {
                                break;
                            }
                        }
                    }
                    self.expect_sym(")")?;
                    return Ok(Expr::In { expr: Box::new(l), list, negated, ci });
                }
                "and" | "or" | "by" | "asc" | "desc" | "on" => None,
                _ if w.starts_with('!') || w.ends_with('~') => {
                    return Err(self.unexpected("this operator is not part of the simulator's query subset"))
                }
                _ => None,
            },
            _ => None,
        };
        let Some(op) = op else { return Ok(l) };
        self.i += 1;
        let r = self.postfix()?;
        Ok(Expr::Bin(op, Box::new(l), Box::new(r)))
    }

    fn postfix(&mut self) -> Result<Expr, QueryError> {
        let mut e = self.primary()?;
        loop {
            if self.eat_sym(".") {
                e = Expr::Member(Box::new(e), self.name()?);
            } else if self.eat_sym("[") {
                let i = self.expr()?;
                self.expect_sym("]")?;
                e = Expr::Index(Box::new(e), Box::new(i));
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, QueryError> {
        let t = self.next();
        match &t.tok {
            Tok::Str(s) => Ok(Expr::Lit(json!(s))),
            Tok::Num(n) => Ok(Expr::Lit(number(*n))),
            Tok::Sym("(") => {
                let e = self.expr()?;
                self.expect_sym(")")?;
                Ok(e)
            }
            Tok::Ident(w) if w == "true" || w == "false" => Ok(Expr::Lit(json!(w == "true"))),
            Tok::Ident(w) if !w.starts_with('$') && !w.starts_with('!') => {
                if !self.is_sym("(") {
                    return Ok(Expr::Col(w.clone()));
                }
                self.i += 1;
                let name = w.clone();
                if !FUNCTIONS.contains(&name.as_str()) {
                    return Err(QueryError::at(t.pos, &t.text, "this function is not part of the simulator's query subset"));
                }
                let mut args = Vec::new();
                if !self.is_sym(")") {
                    loop {
                        args.push(self.expr()?);
                        if !self.eat_sym(",") {
                            break;
                        }
                    }
                }
                self.expect_sym(")")?;
                Ok(Expr::Call(name, args))
            }
            _ => Err(QueryError::at(t.pos, &t.text, "expected a value, a column or a function call")),
        }
    }
}

/// Scalar functions of the subset (see `eval::call`).
pub const FUNCTIONS: &[&str] = &[
    "not",
    "isempty",
    "isnotempty",
    "isnull",
    "isnotnull",
    "tostring",
    "tolower",
    "toupper",
    "toint",
    "tolong",
    "iff",
    "iif",
    "case",
    "strcat",
];

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_client_query() {
        let q = parse("securityresources | where type == 'microsoft.security/assessments' | extend key = name, code = tostring(properties.status.code) | summarize count() by key, code").expect("parse");
        assert_eq!(q.source, "securityresources");
        assert_eq!(q.ops.len(), 3);
        match &q.ops[2] {
            Op::Summarize { aggs, by } => {
                assert_eq!(aggs[0].0, "count_");
                assert_eq!(by.iter().map(|b| b.0.as_str()).collect::<Vec<_>>(), ["key", "code"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_name_the_token_and_position() {
        let e = parse("resources | where name == 'a' | render piechart").expect_err("render");
        assert_eq!((e.token.as_str(), e.pos), ("render", 32));
        let e = parse("resources | where name ==").expect_err("dangling");
        assert_eq!(e.token, "<end of query>");
        let e = parse("securityresources | where name matches regex 'x'").expect_err("matches");
        assert_eq!(e.token, "matches");
        let e = parse("nosuchtable | take 1").expect_err("table");
        assert_eq!((e.token.as_str(), e.pos), ("nosuchtable", 0));
        let e = parse("resources | extend x = bag_keys(properties)").expect_err("fn");
        assert_eq!(e.token, "bag_keys");
    }
}
