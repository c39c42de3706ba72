//! RFC 4180 text: cells separated by commas, records by CRLF, a cell quoted
//! when it holds a quote, a comma or a line break (a quote doubled inside).
//! Reading also accepts bare LF line ends, as files edited elsewhere have.

/// One cell as RFC 4180 writes it.
pub fn cell(text: &str) -> String {
    if text.contains(['"', ',', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// One record, CRLF-terminated.
pub fn record<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells.iter().map(|c| cell(c.as_ref())).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// A record as read, with the line it starts on (1-based), which is the
/// spreadsheet's row number when no cell spans lines before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub line: u32,
    pub cells: Vec<String>,
}

/// Why the text is not CSV, at a line.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub line: u32,
    pub message: String,
}

/// Reads records until `max` have been read (the caller refuses more);
/// returns them and whether the text held more.
pub fn read(text: &str, max: usize) -> Result<(Vec<Record>, bool), SyntaxError> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line: u32 = 1;
    while chars.peek().is_some() {
        if records.len() >= max {
            return Ok((records, true));
        }
        let start = line;
        let mut cells = Vec::new();
        let mut current = String::new();
        let mut quoted = false;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    return Err(SyntaxError { line: start, message: "A quoted cell is never closed: a \" is missing.".into() });
                }
                break;
            };
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        current.push('"');
                    }
                    '"' => {
                        quoted = false;
                        if !matches!(chars.peek(), None | Some(',' | '\r' | '\n')) {
                            return Err(SyntaxError {
                                line,
                                message: "Text follows a closing quote in the same cell; quote the whole cell.".into(),
                            });
                        }
                    }
                    '\n' => {
                        line = line.saturating_add(1);
                        current.push(c);
                    }
                    _ => current.push(c),
                }
                continue;
            }
            match c {
                '"' if current.is_empty() => quoted = true,
                '"' => {
                    return Err(SyntaxError {
                        line,
                        message: "A quote inside an unquoted cell; quote the cell and double the quote (\"\").".into(),
                    })
                }
                ',' => cells.push(std::mem::take(&mut current)),
                '\r' if chars.peek() == Some(&'\n') => {}
                '\r' | '\n' => {
                    line = line.saturating_add(1);
                    break;
                }
                _ => current.push(c),
            }
        }
        cells.push(current);
        records.push(Record { line: start, cells });
    }
    Ok((records, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(record(&["a", "b,c", ""]), "a,\"b,c\",\r\n");
    }

    #[test]
    fn written_records_read_back() {
        let rows = [vec!["a", "b,c", "say \"hi\""], vec!["multi\r\nline", "", "é 🙂"]];
        let text: String = rows.iter().map(|r| record(r)).collect();
        let (read_back, more) = read(&text, 10).expect("reads");
        assert!(!more);
        assert_eq!(
            read_back.iter().map(|r| r.cells.clone()).collect::<Vec<_>>(),
            rows.map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        );
        assert_eq!(read_back[1].line, 2);
    }

    #[test]
    fn lines_count_through_quoted_line_breaks_and_bare_lf() {
        let (records, _) = read("h\n\"a\nb\"\nc\n", 10).expect("reads");
        assert_eq!(records.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 2, 4]);
    }

    #[test]
    fn broken_quoting_is_refused_with_its_line() {
        assert_eq!(read("a\n\"open\n", 10).map_err(|e| e.line), Err(2));
        assert_eq!(read("a\nb\"c\n", 10).map_err(|e| e.line), Err(2));
        assert_eq!(read("\"a\"b\n", 10).map_err(|e| e.line), Err(1));
    }

    #[test]
    fn reading_stops_after_the_limit() {
        let (records, more) = read("a\nb\nc\n", 2).expect("reads");
        assert_eq!(records.len(), 2);
        assert!(more);
    }
}
