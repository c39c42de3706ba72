//! The syntax tree of a parsed query: a tabular source followed by piped
//! operators; expressions over the row's columns.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Lower-case table name (`securityresources`, ...).
    pub source: String,
    pub ops: Vec<Op>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Where(Expr),
    /// `project a, b = expr`: (output column, expression).
    Project(Vec<(String, Expr)>),
    ProjectAway(Vec<String>),
    Extend(Vec<(String, Expr)>),
    Summarize {
        aggs: Vec<(String, Agg)>,
        by: Vec<(String, Expr)>,
    },
    /// (key, descending)
    Order(Vec<(Expr, bool)>),
    Take(usize),
    Distinct(Vec<(String, Expr)>),
    Join {
        kind: JoinKind,
        right: Box<Query>,
        on: Vec<(String, String)>,
    },
    /// `mv-expand col` / `mv-expand name = expr`
    MvExpand(String, Expr),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JoinKind {
    /// KQL's default: one row per left key, inner-joined.
    InnerUnique,
    Inner,
    LeftOuter,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Agg {
    Count,
    CountIf(Expr),
    DCount(Expr),
    Sum(Expr),
    Min(Expr),
    Max(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BinOp {
    And,
    Or,
    /// Case-sensitive `==` / `!=`.
    Eq,
    Ne,
    /// `=~` / `!~`
    EqCi,
    NeCi,
    Lt,
    Le,
    Gt,
    Ge,
    /// `has`, `contains`, `startswith`, `endswith` (case-insensitive), negated when `true`.
    Has(bool),
    Contains(bool),
    StartsWith(bool),
    EndsWith(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Value),
    Col(String),
    /// `expr.name`
    Member(Box<Expr>, String),
    /// `expr[index]` (string key or array position)
    Index(Box<Expr>, Box<Expr>),
    /// Scalar function call: lower-case name, arguments.
    Call(String, Vec<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `expr in (...)`: negated, case-insensitive.
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
        ci: bool,
    },
}

impl Expr {
    /// The column name KQL gives an unnamed expression in `project`,
    /// `summarize ... by` and `distinct`: the column, a path joined with `_`
    /// (`properties.status.code` -> `properties_status_code`), or the path
    /// inside a one-argument conversion (`tostring(properties.x)` ->
    /// `properties_x`); `None` for anything else (the caller numbers it).
    pub fn default_name(&self) -> Option<String> {
        match self {
            Expr::Col(c) => Some(c.clone()),
            Expr::Member(e, m) => Some(format!("{}_{m}", e.default_name()?)),
            Expr::Index(e, i) => match &**i {
                Expr::Lit(Value::String(s)) => Some(format!("{}_{s}", e.default_name()?)),
                Expr::Lit(Value::Number(n)) => Some(format!("{}_{n}", e.default_name()?)),
                _ => None,
            },
            Expr::Call(_, args) if args.len() == 1 => args[0].default_name(),
            _ => None,
        }
    }
}
