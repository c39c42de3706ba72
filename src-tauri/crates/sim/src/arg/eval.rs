//! Evaluating a parsed [`Query`] over rows (JSON objects). Strings compare
//! as KQL's do: `==`/`!=`/`in` case-sensitively, `=~`/`!~`/`in~`, `has`,
//! `contains`, `startswith`, `endswith` case-insensitively; a missing value
//! (null) counts as the empty string in string comparisons and matches no
//! number comparison. A column the rows do not have reads as null.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::ast::{Agg, BinOp, Expr, JoinKind, Op, Query};

pub type Row = Map<String, Value>;

/// Reads a table's rows: its name, and what the query needs of them.
pub type Table<'t> = dyn FnMut(&str, &Needs) -> Vec<Row> + 't;

/// Run `q`, reading each table's rows through `table`.
pub fn run(q: &Query, table: &mut Table) -> Vec<Row> {
    let mut rows = table(&q.source, &Needs::of(q));
    for op in &q.ops {
        rows = apply(op, rows, table);
    }
    rows
}

/// What a query needs of its source table, so the table can skip work that
/// cannot change the answer:
///
/// - the `where` operators it starts with, each with the columns it reads.
///   A row one of them turns away is turned away whatever else it holds, so
///   a table can ask [`Needs::rejects`] with the few columns it has at hand
///   and not build the rest (`properties` above all) for rows that would be
///   dropped anyway;
/// - the columns it reads before its first `project`, `summarize` or
///   `distinct` (after those, no other source column exists): a table need
///   not fill the others ([`Needs::column`]). With no such operator, or a
///   `join` before it (its right columns are named after the left ones),
///   every column is needed.
///
/// - within `properties`, the paths those operators read
///   (`properties.status.code`), when they read it only through paths
///   ([`Needs::property`]).
///
/// The operators still run over what the table gives, so this only saves
/// work, never changes an answer.
pub struct Needs<'q> {
    filters: Vec<(&'q Expr, Vec<&'q str>)>,
    columns: Option<Vec<&'q str>>,
    /// The paths read inside `properties`; `None` = all of it.
    properties: Option<Vec<Vec<&'q str>>>,
}

impl<'q> Needs<'q> {
    pub fn of(q: &'q Query) -> Self {
        let filters = q
            .ops
            .iter()
            .map_while(|op| match op {
                Op::Where(e) => Some(e),
                _ => None,
            })
            .map(|e| {
                let mut cols = Vec::new();
                columns(e, &mut cols);
                (e, cols)
            })
            .collect();
        let read = read_before_reshape(&q.ops);
        let columns = read.as_ref().map(|exprs| {
            let mut cols = Vec::new();
            exprs.iter().for_each(|e| columns(e, &mut cols));
            cols
        });
        let properties = read.and_then(|exprs| {
            let mut paths = Vec::new();
            exprs.iter().all(|e| property_paths(e, &mut paths)).then_some(paths)
        });
        Needs { filters, columns, properties }
    }

    /// Everything (no filters, every column).
    pub fn everything() -> Self {
        Needs { filters: Vec::new(), columns: None, properties: None }
    }

    /// Is the part of `properties` at `path` (or something inside it) read?
    pub fn property(&self, path: &[&str]) -> bool {
        self.properties.as_ref().is_none_or(|read| read.iter().any(|p| p.iter().zip(path).all(|(a, b)| a == b)))
    }

    pub fn has_filters(&self) -> bool {
        !self.filters.is_empty()
    }

    /// Does a filter that reads only columns `partial` has turn the row away?
    pub fn rejects(&self, partial: &Row) -> bool {
        self.filters.iter().any(|(e, cols)| cols.iter().all(|c| partial.contains_key(*c)) && !truthy(&eval(e, partial)))
    }

    /// Is column `name` read?
    pub fn column(&self, name: &str) -> bool {
        self.columns.as_ref().is_none_or(|cols| cols.contains(&name))
    }
}

/// The expressions `ops` evaluate over source rows: those before the first
/// operator that reshapes the rows; `None` when every column is read.
fn read_before_reshape(ops: &[Op]) -> Option<Vec<&Expr>> {
    let mut exprs = Vec::new();
    for op in ops {
        match op {
            Op::Where(e) | Op::MvExpand(_, e) => exprs.push(e),
            Op::Extend(items) => exprs.extend(items.iter().map(|(_, e)| e)),
            Op::Order(keys) => exprs.extend(keys.iter().map(|(e, _)| e)),
            Op::Take(_) | Op::ProjectAway(_) => {}
            Op::Project(items) | Op::Distinct(items) => {
                exprs.extend(items.iter().map(|(_, e)| e));
                return Some(exprs);
            }
            Op::Summarize { aggs, by } => {
                exprs.extend(by.iter().map(|(_, e)| e));
                for (_, agg) in aggs {
                    match agg {
                        Agg::Count => {}
                        Agg::CountIf(e) | Agg::DCount(e) | Agg::Sum(e) | Agg::Min(e) | Agg::Max(e) => exprs.push(e),
                    }
                }
                return Some(exprs);
            }
            Op::Join { .. } => return None,
        }
    }
    None
}

/// Adds to `out` the paths `e` reads inside the `properties` column
/// (`properties.status.code` -> `["status", "code"]`); false when it reads
/// the column otherwise (whole, or through a computed index).
fn property_paths<'q>(e: &'q Expr, out: &mut Vec<Vec<&'q str>>) -> bool {
    /// The column and path of a chain of members (and literal string indexes).
    fn chain<'q>(e: &'q Expr, path: &mut Vec<&'q str>) -> Option<&'q str> {
        match e {
            Expr::Col(c) => Some(c),
            Expr::Member(inner, name) => {
                let c = chain(inner, path)?;
                path.push(name);
                Some(c)
            }
            Expr::Index(inner, idx) => match &**idx {
                Expr::Lit(Value::String(k)) => {
                    let c = chain(inner, path)?;
                    path.push(k);
                    Some(c)
                }
                _ => None,
            },
            _ => None,
        }
    }
    let mut path = Vec::new();
    if let Some(c) = chain(e, &mut path) {
        if c == "properties" {
            if path.is_empty() {
                return false;
            }
            out.push(path);
        }
        return true;
    }
    match e {
        Expr::Lit(_) => true,
        // A bare column is a chain; here only non-chain forms remain.
        Expr::Col(_) => true,
        Expr::Member(inner, _) => property_paths(inner, out),
        Expr::Index(inner, idx) => property_paths(inner, out) && property_paths(idx, out),
        Expr::Call(_, args) => args.iter().all(|a| property_paths(a, out)),
        Expr::Bin(_, l, r) => property_paths(l, out) && property_paths(r, out),
        Expr::In { expr, list, .. } => property_paths(expr, out) && list.iter().all(|x| property_paths(x, out)),
    }
}

/// The columns `e` reads.
fn columns<'q>(e: &'q Expr, out: &mut Vec<&'q str>) {
    match e {
        Expr::Lit(_) => {}
        Expr::Col(c) => out.push(c),
        Expr::Member(inner, _) => columns(inner, out),
        Expr::Index(inner, idx) => {
            columns(inner, out);
            columns(idx, out);
        }
        Expr::Call(_, args) => args.iter().for_each(|a| columns(a, out)),
        Expr::Bin(_, l, r) => {
            columns(l, out);
            columns(r, out);
        }
        Expr::In { expr, list, .. } => {
            columns(expr, out);
            list.iter().for_each(|x| columns(x, out));
        }
    }
}

fn apply(op: &Op, rows: Vec<Row>, table: &mut Table) -> Vec<Row> {
    match op {
        Op::Where(e) => rows.into_iter().filter(|r| truthy(&eval(e, r))).collect(),
        Op::Project(items) => rows.iter().map(|r| items.iter().map(|(n, e)| (n.clone(), eval(e, r))).collect()).collect(),
        Op::ProjectAway(cols) => rows
            .into_iter()
            .map(|mut r| {
                for c in cols {
                    r.remove(c);
                }
                r
            })
            .collect(),
        Op::Extend(items) => rows
            .into_iter()
            .map(|mut r| {
                for (n, e) in items {
                    let v = eval(e, &r);
                    r.insert(n.clone(), v);
                }
                r
            })
            .collect(),
        Op::Summarize { aggs, by } => summarize(rows, aggs, by),
        Op::Distinct(items) => summarize(rows, &[], items),
        Op::Order(keys) => {
            let mut keyed: Vec<(Vec<Value>, Row)> =
                rows.into_iter().map(|r| (keys.iter().map(|(e, _)| eval(e, &r)).collect(), r)).collect();
            keyed.sort_by(|(a, _), (b, _)| {
                for (i, (_, desc)) in keys.iter().enumerate() {
                    let o = compare(&a[i], &b[i]);
                    let o = if *desc { o.reverse() } else { o };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
            keyed.into_iter().map(|(_, r)| r).collect()
        }
        Op::Take(n) => rows.into_iter().take(*n).collect(),
        Op::Join { kind, right, on } => join(rows, *kind, run(right, table), on),
        Op::MvExpand(name, e) => rows
            .into_iter()
            .flat_map(|r| match eval(e, &r) {
                Value::Array(items) if !items.is_empty() => items
                    .into_iter()
                    .map(|v| {
                        let mut x = r.clone();
                        x.insert(name.clone(), v);
                        x
                    })
                    .collect::<Vec<_>>(),
                Value::Array(_) => Vec::new(),
                v => {
                    let mut x = r;
                    x.insert(name.clone(), v);
                    vec![x]
                }
            })
            .collect(),
    }
}

/// A grouping key: the values' JSON text.
fn key_of(values: &[Value]) -> String {
    serde_json::to_string(values).unwrap_or_default()
}

fn summarize(rows: Vec<Row>, aggs: &[(String, Agg)], by: &[(String, Expr)]) -> Vec<Row> {
    struct Group {
        keys: Vec<Value>,
        acc: Vec<Acc>,
    }
    enum Acc {
        Count(u64),
        Distinct(HashSet<String>),
        Sum(f64),
        Extreme(Option<Value>),
    }
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Group> = HashMap::new();
    for r in &rows {
        // Keys read in place where they are paths; copied only for a new group.
        let keys: Vec<Cow<Value>> = by.iter().map(|(_, e)| eval_ref(e, r)).collect();
        let k = serde_json::to_string(&keys).unwrap_or_default();
        if !groups.contains_key(&k) {
            order.push(k.clone());
        }
        let g = groups.entry(k).or_insert_with(|| Group {
            keys: keys.into_iter().map(Cow::into_owned).collect(),
            acc: aggs
                .iter()
                .map(|(_, a)| match a {
                    Agg::Count | Agg::CountIf(_) => Acc::Count(0),
                    Agg::DCount(_) => Acc::Distinct(HashSet::new()),
                    Agg::Sum(_) => Acc::Sum(0.0),
                    Agg::Min(_) | Agg::Max(_) => Acc::Extreme(None),
                })
                .collect(),
        });
        for ((_, agg), acc) in aggs.iter().zip(g.acc.iter_mut()) {
            match (agg, acc) {
                (Agg::Count, Acc::Count(n)) => *n += 1,
                (Agg::CountIf(p), Acc::Count(n)) if truthy(&eval(p, r)) => *n += 1,
                (Agg::DCount(e), Acc::Distinct(set)) => {
                    let v = eval(e, r);
                    if !v.is_null() {
                        set.insert(v.to_string());
                    }
                }
                (Agg::Sum(e), Acc::Sum(s)) => *s += eval(e, r).as_f64().unwrap_or(0.0),
                (Agg::Min(e) | Agg::Max(e), Acc::Extreme(best)) => {
                    let v = eval(e, r);
                    let want = if matches!(agg, Agg::Min(_)) { Ordering::Less } else { Ordering::Greater };
                    if !v.is_null() && best.as_ref().is_none_or(|b| compare(&v, b) == want) {
                        *best = Some(v);
                    }
                }
                _ => {}
            }
        }
    }
    // `summarize count()` without `by` over no rows still answers one row.
    if by.is_empty() && groups.is_empty() && !aggs.is_empty() {
        let mut r = Row::new();
        for (n, a) in aggs {
            r.insert(n.clone(), if matches!(a, Agg::Min(_) | Agg::Max(_)) { Value::Null } else { json!(0) });
        }
        return vec![r];
    }
    order
        .into_iter()
        .filter_map(|k| groups.remove(&k))
        .map(|g| {
            let mut r = Row::new();
            for ((n, _), v) in by.iter().zip(g.keys) {
                r.insert(n.clone(), v);
            }
            for ((n, _), acc) in aggs.iter().zip(g.acc) {
                let v = match acc {
                    Acc::Count(c) => json!(c),
                    Acc::Distinct(s) => json!(s.len()),
                    Acc::Sum(s) if s.fract() == 0.0 && s.abs() < 9e15 => json!(s as i64),
                    Acc::Sum(s) => json!(s),
                    Acc::Extreme(v) => v.unwrap_or(Value::Null),
                };
                r.insert(n.clone(), v);
            }
            r
        })
        .collect()
}

/// Join on (left column, right column) pairs. Right columns whose names the
/// left side already has get a `1` suffix, as KQL names them.
fn join(left: Vec<Row>, kind: JoinKind, right: Vec<Row>, on: &[(String, String)]) -> Vec<Row> {
    let key = |r: &Row, side_left: bool| -> String {
        let vals: Vec<Value> = on.iter().map(|(l, rc)| r.get(if side_left { l } else { rc }).cloned().unwrap_or(Value::Null)).collect();
        key_of(&vals)
    };
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in right.iter().enumerate() {
        index.entry(key(r, false)).or_default().push(i);
    }
    let right_cols: Vec<String> = {
        let mut seen = Vec::new();
        for r in &right {
            for k in r.keys() {
                if !seen.contains(k) {
                    seen.push(k.clone());
                }
            }
        }
        seen
    };
    let mut seen_left: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for l in left {
        let k = key(&l, true);
        if kind == JoinKind::InnerUnique && !seen_left.insert(k.clone()) {
            continue;
        }
        let merge = |r: Option<&Row>| {
            let mut x = l.clone();
            for c in &right_cols {
                let v = r.and_then(|r| r.get(c)).cloned().unwrap_or(Value::Null);
                let name = if l.contains_key(c) { format!("{c}1") } else { c.clone() };
                x.insert(name, v);
            }
            x
        };
        match index.get(&k) {
            Some(hits) => out.extend(hits.iter().map(|&i| merge(right.get(i)))),
            None if kind == JoinKind::LeftOuter => out.push(merge(None)),
            None => {}
        }
    }
    out
}

pub fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

/// The value as KQL's `tostring` writes it (null -> empty).
pub fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Ordering for `order by`, `min`, `max`: null first, numbers by value,
/// everything else by its text (ordinal).
pub fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal),
        _ => text(a).cmp(&text(b)),
    }
}

fn equal(a: &Value, b: &Value, ci: bool) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(_) | Value::Null, Value::String(_) | Value::Null) => {
            let (x, y) = (text(a), text(b));
            if ci {
                x.eq_ignore_ascii_case(&y) || x.to_lowercase() == y.to_lowercase()
            } else {
                x == y
            }
        }
        _ if ci => text(a).to_lowercase() == text(b).to_lowercase(),
        _ => a == b,
    }
}

/// `has`: the needle occurs as a whole term (bounded by non-alphanumerics).
fn has_term(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.to_lowercase(), needle.to_lowercase());
    if n.is_empty() {
        return true;
    }
    h.match_indices(&n).any(|(i, _)| {
        let before = h[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = h[i + n.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

/// What a column path (`col`, `col.a.b`, `col["a"]`, `col[0]`) reads in
/// `row`, borrowed: `Some(None)` when the path leads nowhere (null), `None`
/// when `e` is no plain path (it is then evaluated). Reading a property
/// path this way copies only the value at its end, not the whole column.
fn path<'r>(e: &Expr, row: &'r Row) -> Option<Option<&'r Value>> {
    match e {
        Expr::Col(c) => Some(row.get(c)),
        Expr::Member(inner, name) => Some(path(inner, row)?.and_then(|v| v.as_object()).and_then(|m| m.get(name))),
        Expr::Index(inner, idx) => {
            let at = path(inner, row)?;
            Some(match (at, &**idx) {
                (Some(Value::Object(m)), Expr::Lit(Value::String(k))) => m.get(k),
                (Some(Value::Array(a)), Expr::Lit(Value::Number(n))) => {
                    let i = n.as_i64().unwrap_or(0);
                    let i = if i < 0 { a.len() as i64 + i } else { i };
                    usize::try_from(i).ok().and_then(|i| a.get(i))
                }
                (_, Expr::Lit(_)) => None,
                _ => return None,
            })
        }
        _ => None,
    }
}

/// [`eval`], by reference when `e` is a path to a value of the row.
fn eval_ref<'r>(e: &Expr, row: &'r Row) -> Cow<'r, Value> {
    match path(e, row) {
        Some(Some(v)) => Cow::Borrowed(v),
        Some(None) => Cow::Owned(Value::Null),
        None => Cow::Owned(eval(e, row)),
    }
}

pub fn eval(e: &Expr, row: &Row) -> Value {
    if let Some(found) = path(e, row) {
        return found.cloned().unwrap_or(Value::Null);
    }
    match e {
        Expr::Lit(v) => v.clone(),
        Expr::Col(c) => row.get(c).cloned().unwrap_or(Value::Null),
        Expr::Member(inner, name) => match eval(inner, row) {
            Value::Object(mut m) => m.remove(name).unwrap_or(Value::Null),
            _ => Value::Null,
        },
        Expr::Index(inner, idx) => match (eval(inner, row), eval(idx, row)) {
            (Value::Object(mut m), Value::String(k)) => m.remove(&k).unwrap_or(Value::Null),
            (Value::Array(a), Value::Number(n)) => {
                let i = n.as_i64().unwrap_or(0);
                let i = if i < 0 { a.len() as i64 + i } else { i };
                usize::try_from(i).ok().and_then(|i| a.get(i).cloned()).unwrap_or(Value::Null)
            }
            _ => Value::Null,
        },
        Expr::Call(name, args) => call(name, args, row),
        Expr::In { expr, list, negated, ci } => {
            let v = eval(expr, row);
            let hit = list.iter().any(|x| equal(&v, &eval(x, row), *ci));
            json!(hit != *negated)
        }
        Expr::Bin(op, l, r) => {
            if let BinOp::And = op {
                return json!(truthy(&eval(l, row)) && truthy(&eval(r, row)));
            }
            if let BinOp::Or = op {
                return json!(truthy(&eval(l, row)) || truthy(&eval(r, row)));
            }
            let (a, b) = (eval(l, row), eval(r, row));
            let num = |f: fn(f64, f64) -> bool| match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => f(x, y),
                _ => false,
            };
            let s = |f: fn(&str, &str) -> bool| f(&text(&a).to_lowercase(), &text(&b).to_lowercase());
            json!(match op {
                BinOp::Eq => equal(&a, &b, false),
                BinOp::Ne => !equal(&a, &b, false),
                BinOp::EqCi => equal(&a, &b, true),
                BinOp::NeCi => !equal(&a, &b, true),
                BinOp::Lt => num(|x, y| x < y),
                BinOp::Le => num(|x, y| x <= y),
                BinOp::Gt => num(|x, y| x > y),
                BinOp::Ge => num(|x, y| x >= y),
                BinOp::Has(neg) => has_term(&text(&a), &text(&b)) != *neg,
                BinOp::Contains(neg) => s(|x, y| x.contains(y)) != *neg,
                BinOp::StartsWith(neg) => s(|x, y| x.starts_with(y)) != *neg,
                BinOp::EndsWith(neg) => s(|x, y| x.ends_with(y)) != *neg,
                BinOp::And | BinOp::Or => false,
            })
        }
    }
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Null) || matches!(v, Value::String(s) if s.is_empty())
}

fn call(name: &str, args: &[Expr], row: &Row) -> Value {
    let arg = |i: usize| args.get(i).map(|e| eval(e, row)).unwrap_or(Value::Null);
    match name {
        "not" => json!(!truthy(&arg(0))),
        "isempty" => json!(is_empty(&arg(0))),
        "isnotempty" => json!(!is_empty(&arg(0))),
        "isnull" => json!(arg(0).is_null()),
        "isnotnull" => json!(!arg(0).is_null()),
        "tostring" => match arg(0) {
            Value::Null => json!(""),
            v => json!(text(&v)),
        },
        "tolower" => json!(text(&arg(0)).to_lowercase()),
        "toupper" => json!(text(&arg(0)).to_uppercase()),
        "toint" | "tolong" => match arg(0) {
            Value::Number(n) => n.as_f64().map(|f| json!(f.trunc() as i64)).unwrap_or(Value::Null),
            Value::String(s) => s.trim().parse::<i64>().map(|n| json!(n)).unwrap_or(Value::Null),
            Value::Bool(b) => json!(i64::from(b)),
            _ => Value::Null,
        },
        "iff" | "iif" => {
            if truthy(&arg(0)) {
                arg(1)
            } else {
                arg(2)
            }
        }
        // case(p1, v1, p2, v2, ..., else)
        "case" => {
            let mut i = 0;
            while i + 1 < args.len() {
                if truthy(&arg(i)) {
                    return arg(i + 1);
                }
                i += 2;
            }
            arg(i)
        }
        "strcat" => json!((0..args.len()).map(|i| text(&arg(i))).collect::<String>()),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arg::parser::parse;

    fn needs_of(query: &str) -> (Vec<String>, Option<Vec<String>>) {
        let q = parse(query).expect("parses");
        let n = Needs::of(&q);
        let filters = n.filters.iter().flat_map(|(_, c)| c.iter().map(|s| s.to_string())).collect();
        (filters, n.columns.map(|c| c.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn the_columns_read_before_the_rows_are_reshaped() {
        let (filters, columns) = needs_of(
            "securityresources | where type == 'x' and name =~ 'k' | extend code = tostring(properties.status.code) | summarize count() by name, code",
        );
        assert_eq!(filters, ["type", "name"]);
        assert_eq!(columns.expect("narrowed"), ["type", "name", "properties", "name", "code"]);
        // No reshaping operator, or a join first: every column.
        assert_eq!(needs_of("resources | where name == 'a' | order by id asc").1, None);
        assert_eq!(needs_of("resources | join kind=leftouter (resources | project id, x = name) on id | project id, name1").1, None);
        // Only the leading wheres are tried early.
        assert_eq!(needs_of("resources | take 5 | where name == 'a'").0, Vec::<String>::new());
    }

    #[test]
    fn the_paths_read_inside_properties() {
        let q = parse(
            "securityresources | where type == 'x' | extend code = tostring(properties.status.code), n = properties['displayName'] | summarize count() by name, code, n",
        )
        .expect("parses");
        let n = Needs::of(&q);
        assert!(n.property(&["status"]) && n.property(&["status", "code"]) && n.property(&["displayName"]));
        assert!(!n.property(&["status", "description"]) && !n.property(&["resourceDetails"]));
        // Read whole, through a computed index, or with no reshaping: all of it.
        for all in [
            "resources | project p = properties",
            "resources | extend k = 'a' | project v = properties[k]",
            "resources | where properties.a == 1",
        ] {
            let q = parse(all).expect("parses");
            assert!(Needs::of(&q).property(&["anything"]), "{all}");
        }
    }

    #[test]
    fn a_filter_is_tried_only_when_its_columns_are_at_hand() {
        let q = parse("securityresources | where name == 'k' | where tostring(properties.x) == 'y'").expect("parses");
        let n = Needs::of(&q);
        let mut partial = Row::new();
        partial.insert("name".into(), json!("other"));
        assert!(n.rejects(&partial), "name alone decides");
        partial.insert("name".into(), json!("k"));
        assert!(!n.rejects(&partial), "properties are not at hand: not tried");
        assert!(n.column("properties") && n.column("id"), "no reshaping: every column");
    }

    #[test]
    fn property_paths_read_the_value_at_their_end() {
        let row: Row = serde_json::from_value(json!({"properties": {"a": {"b": [1, {"c": "d"}]}}})).expect("row");
        let q =
            parse("resources | project x = properties.a.b[1].c, y = properties['a'].b[0], z = properties.nope.b, w = properties.a.b[7]")
                .expect("parses");
        let Op::Project(items) = &q.ops[0] else { panic!("a project") };
        let got: Vec<Value> = items.iter().map(|(_, e)| eval(e, &row)).collect();
        assert_eq!(got, [json!("d"), json!(1), Value::Null, Value::Null]);
    }
}
