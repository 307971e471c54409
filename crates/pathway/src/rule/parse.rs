//! Lexer and recursive-descent parser for the rule language.

use super::CmpOp;
use super::{ExprKind, Parsed, PathPred, RuleError, Span};

/// Nesting deeper than this is refused, so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 64;
/// Longer rules are refused: they are unreadable, and `a || b || …` chains nest as deep as
/// they are long.
const MAX_TOKENS: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Int(i64),
    Str(String),
    Not,
    And,
    Or,
    Implies,
    Cmp(CmpOp),
    LParen,
    RParen,
    Comma,
    End,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Int(i) => format!("`{i}`"),
        Tok::Str(s) => format!("\"{s}\""),
        Tok::Not => "`!`".into(),
        Tok::And => "`&&`".into(),
        Tok::Or => "`||`".into(),
        Tok::Implies => "`->`".into(),
        Tok::Cmp(op) => format!("`{}`", op_text(*op)),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::Comma => "`,`".into(),
        Tok::End => "the end of the rule".into(),
    }
}

pub(crate) fn op_text(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn err(&self, at: usize, message: impl Into<String>) -> RuleError {
        RuleError {
            column: column(self.src, at),
            message: message.into(),
        }
    }

    /// The tokens with their character spans, ending with `End`. Columns are counted as the
    /// lexer goes, so long rules cost linear time; more than `MAX_TOKENS` tokens are refused.
    fn tokens(mut self) -> Result<Vec<(Tok, Span)>, RuleError> {
        let mut out = Vec::new();
        let mut col = 0;
        loop {
            let rest = &self.src[self.pos..];
            let trimmed = rest.trim_start();
            col += rest[..rest.len() - trimmed.len()].chars().count();
            self.pos += rest.len() - trimmed.len();
            let start = self.pos;
            let Some(c) = trimmed.chars().next() else {
                out.push((
                    Tok::End,
                    Span {
                        start: col,
                        end: col,
                    },
                ));
                return Ok(out);
            };
            if out.len() == MAX_TOKENS {
                return Err(RuleError {
                    column: col + 1,
                    message: format!(
                        "the rule is too long (more than {MAX_TOKENS} tokens): split it with derived facts"
                    ),
                });
            }
            let (tok, len) = self.token(c, trimmed, start)?;
            self.pos += len;
            let width = trimmed.get(..len).map_or(len, |t| t.chars().count());
            out.push((
                tok,
                Span {
                    start: col,
                    end: col + width,
                },
            ));
            col += width;
        }
    }

    /// The token at byte `start` (`trimmed` is the text from there, `c` its first character)
    /// and its length in bytes.
    fn token(&self, c: char, trimmed: &str, start: usize) -> Result<(Tok, usize), RuleError> {
        let two = trimmed.get(..2).unwrap_or("");
        Ok(match (c, two) {
            (_, "&&") => (Tok::And, 2),
            (_, "||") => (Tok::Or, 2),
            (_, "->") => (Tok::Implies, 2),
            (_, "==") => (Tok::Cmp(CmpOp::Eq), 2),
            (_, "!=") => (Tok::Cmp(CmpOp::Ne), 2),
            (_, "<=") => (Tok::Cmp(CmpOp::Le), 2),
            (_, ">=") => (Tok::Cmp(CmpOp::Ge), 2),
            ('<', _) => (Tok::Cmp(CmpOp::Lt), 1),
            ('>', _) => (Tok::Cmp(CmpOp::Gt), 1),
            ('!', _) => (Tok::Not, 1),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            (',', _) => (Tok::Comma, 1),
            ('&', _) => return Err(self.err(start, "unexpected `&` (did you mean `&&`?)")),
            ('|', _) => return Err(self.err(start, "unexpected `|` (did you mean `||`?)")),
            ('=', _) => return Err(self.err(start, "unexpected `=` (did you mean `==`?)")),
            ('"', _) => self.string(start)?,
            (c, _) if c.is_ascii_digit() || c == '-' => self.number(start)?,
            (c, _) if c.is_ascii_lowercase() || c == '_' => {
                let len = trimmed
                    .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
                    .unwrap_or(trimmed.len());
                (Tok::Ident(trimmed[..len].to_owned()), len)
            }
            (c, _) => {
                let hint = if c.is_ascii_uppercase() {
                    " (names are lowercase)"
                } else {
                    ""
                };
                return Err(self.err(start, format!("unexpected character `{c}`{hint}")));
            }
        })
    }

    fn string(&self, start: usize) -> Result<(Tok, usize), RuleError> {
        let mut value = String::new();
        let mut chars = self.src[start + 1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((Tok::Str(value), i + 2)),
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => value.push(e),
                    _ => {
                        return Err(
                            self.err(start + 1 + i, "only `\\\"` and `\\\\` escapes are allowed")
                        );
                    }
                },
                c => value.push(c),
            }
        }
        Err(self.err(start, "this string is not closed with `\"`"))
    }

    fn number(&self, start: usize) -> Result<(Tok, usize), RuleError> {
        let text = &self.src[start..];
        let sign = usize::from(text.starts_with('-'));
        let digits = text[sign..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len() - sign);
        if digits == 0 {
            return Err(self.err(
                start,
                "unexpected `-` (there is no arithmetic; write `->` for implication)",
            ));
        }
        let literal = &text[..sign + digits];
        let n = literal
            .parse::<i64>()
            .map_err(|_| self.err(start, format!("integer literal {literal} is too large")))?;
        Ok((Tok::Int(n), sign + digits))
    }
}

/// 1-based character column of a byte offset.
fn column(src: &str, byte: usize) -> usize {
    src.get(..byte).map_or(1, |s| s.chars().count() + 1)
}

/// Parses a rule.
pub(crate) fn parse(src: &str) -> Result<Parsed, RuleError> {
    let tokens = Lexer { src, pos: 0 }.tokens()?;
    if tokens.len() == 1 {
        return Err(RuleError {
            column: 1,
            message: "the rule is empty".into(),
        });
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let expr = p.implies()?;
    match p.peek() {
        Tok::End => Ok(expr),
        t => {
            let t = describe(t);
            Err(p.err_here(format!(
                "unexpected {t} after a complete rule (missing `&&` or `||`?)"
            )))
        }
    }
}

struct Parser {
    tokens: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
}

const FUNCTIONS: &str = "age_on, days_until_birthday, asked, first_asked, known_before, did, first, before, urgent, contacted, own_service";

impl Parser {
    fn peek(&self) -> &Tok {
        self.tokens.get(self.pos).map_or(&Tok::End, |(t, _)| t)
    }

    /// The span of the next token (the end of the rule once it is consumed).
    fn span(&self) -> Span {
        self.tokens
            .get(self.pos)
            .or(self.tokens.last())
            .map_or(Span { start: 0, end: 0 }, |(_, s)| *s)
    }

    fn bump(&mut self) -> (Tok, Span) {
        let item = self
            .tokens
            .get(self.pos)
            .cloned()
            .unwrap_or((Tok::End, self.span()));
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        item
    }

    fn err_at(&self, span: Span, message: impl Into<String>) -> RuleError {
        RuleError {
            column: span.start + 1,
            message: message.into(),
        }
    }

    fn err_here(&self, message: impl Into<String>) -> RuleError {
        self.err_at(self.span(), message)
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<Span, RuleError> {
        if self.peek() == want {
            Ok(self.bump().1)
        } else {
            let found = describe(self.peek());
            Err(self.err_here(format!("expected {what}, found {found}")))
        }
    }

    /// Enters one level of nesting, opened by the token at `at`.
    fn nest(&mut self, at: Span) -> Result<(), RuleError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err_at(at, format!("the rule nests deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn implies(&mut self) -> Result<Parsed, RuleError> {
        let left = self.or()?;
        if *self.peek() != Tok::Implies {
            return Ok(left);
        }
        let (_, arrow) = self.bump();
        self.nest(arrow)?;
        let right = self.implies()?;
        self.depth -= 1;
        Ok(join(ExprKind::Implies, left, right))
    }

    fn or(&mut self) -> Result<Parsed, RuleError> {
        let mut left = self.and()?;
        while *self.peek() == Tok::Or {
            self.bump();
            let right = self.and()?;
            left = join(ExprKind::Or, left, right);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Parsed, RuleError> {
        let mut left = self.unary()?;
        while *self.peek() == Tok::And {
            self.bump();
            let right = self.unary()?;
            left = join(ExprKind::And, left, right);
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Parsed, RuleError> {
        if *self.peek() == Tok::Not {
            let (_, span) = self.bump();
            self.nest(span)?;
            let inner = self.unary()?;
            self.depth -= 1;
            let end = inner.span.end;
            return Ok(Parsed {
                kind: ExprKind::Not(Box::new(inner)),
                span: Span {
                    start: span.start,
                    end,
                },
            });
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Parsed, RuleError> {
        let left = self.atom()?;
        if let Tok::Cmp(op) = *self.peek() {
            self.bump();
            let right = self.atom()?;
            if let Tok::Cmp(_) = self.peek() {
                return Err(self.err_here("comparisons cannot be chained: join them with `&&`"));
            }
            let span = Span {
                start: left.span.start,
                end: right.span.end,
            };
            return Ok(Parsed {
                kind: ExprKind::Cmp(op, Box::new(left), Box::new(right)),
                span,
            });
        }
        Ok(left)
    }

    fn atom(&mut self) -> Result<Parsed, RuleError> {
        let (tok, span) = self.bump();
        let kind = match tok {
            Tok::Int(i) => ExprKind::Int(i),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::LParen => {
                self.nest(span)?;
                let inner = self.implies()?;
                self.depth -= 1;
                let close = self.expect(
                    &Tok::RParen,
                    &format!("`)` to close `(` at column {}", span.start + 1),
                )?;
                return Ok(Parsed {
                    kind: inner.kind,
                    span: Span {
                        start: span.start,
                        end: close.end,
                    },
                });
            }
            Tok::Ident(name) if *self.peek() == Tok::LParen => return self.call(name, span),
            Tok::Ident(name) => match name.as_str() {
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                "today" => ExprKind::Today,
                _ => ExprKind::Fact(name, ()),
            },
            Tok::End => return Err(self.err_at(span, "the rule ends where a value was expected")),
            t => {
                return Err(self.err_at(
                    span,
                    format!("expected a fact, a value or `(`, found {}", describe(&t)),
                ));
            }
        };
        Ok(Parsed { kind, span })
    }

    fn call(&mut self, name: String, start: Span) -> Result<Parsed, RuleError> {
        self.bump(); // `(`
        let Some(takes) = takes(&name) else {
            return Err(self.err_at(
                start,
                format!("unknown function `{name}`: the functions are {FUNCTIONS}"),
            ));
        };
        if name == "own_service" {
            // Takes nothing: `own_service()`.
            let close = match self.peek() {
                Tok::RParen => self.bump().1,
                _ => return Err(self.shape(&name, takes)),
            };
            return Ok(Parsed {
                kind: ExprKind::Path(PathPred::OwnService),
                span: Span {
                    start: start.start,
                    end: close.end,
                },
            });
        }
        if *self.peek() == Tok::RParen {
            return Err(self.shape(&name, takes));
        }
        self.nest(start)?;
        let kind = match name.as_str() {
            "age_on" => {
                let date = self.implies()?;
                self.comma(&name, takes)?;
                let on = self.implies()?;
                ExprKind::AgeOn(Box::new(date), Box::new(on))
            }
            "days_until_birthday" => {
                let date = self.implies()?;
                self.comma(&name, takes)?;
                let years = match self.peek() {
                    Tok::Int(n) => i32::try_from(*n).ok().filter(|n| (0..=150).contains(n)),
                    _ => None,
                };
                let Some(years) = years else {
                    return Err(self.err_here(
                        "the years of days_until_birthday must be a whole number from 0 to 150",
                    ));
                };
                self.bump();
                self.comma(&name, takes)?;
                let on = self.implies()?;
                ExprKind::DaysUntilBirthday(Box::new(date), years, Box::new(on))
            }
            "asked" => ExprKind::Path(PathPred::Asked(self.ident(&name, takes)?)),
            "first_asked" => ExprKind::Path(PathPred::FirstAsked(self.ident(&name, takes)?)),
            "known_before" => {
                let fact = self.ident(&name, takes)?;
                self.comma(&name, takes)?;
                let code = self.string(&name, takes)?;
                ExprKind::Path(PathPred::KnownBefore(fact, code))
            }
            "did" => ExprKind::Path(PathPred::Did(self.string(&name, takes)?)),
            "urgent" => ExprKind::Path(PathPred::Urgent(self.string(&name, takes)?)),
            "contacted" => ExprKind::Path(PathPred::Contacted(self.string(&name, takes)?)),
            "first" => ExprKind::Path(PathPred::First(self.string(&name, takes)?)),
            _ => {
                let a = self.string(&name, takes)?;
                self.comma(&name, takes)?;
                let b = self.string(&name, takes)?;
                ExprKind::Path(PathPred::Before(a, b))
            }
        };
        self.depth -= 1;
        let close = match self.peek() {
            Tok::RParen => self.bump().1,
            Tok::Comma => return Err(self.shape(&name, takes)),
            t => {
                let found = describe(t);
                return Err(self.err_here(format!(
                    "expected `)` to close the call of `{name}`, found {found}"
                )));
            }
        };
        Ok(Parsed {
            kind,
            span: Span {
                start: start.start,
                end: close.end,
            },
        })
    }

    /// The error for a call of `name` whose arguments do not have the shape it takes, at the
    /// next token.
    fn shape(&self, name: &str, takes: &str) -> RuleError {
        let found = describe(self.peek());
        self.err_here(format!("`{name}` takes {takes}, found {found}"))
    }

    fn comma(&mut self, name: &str, takes: &str) -> Result<(), RuleError> {
        if *self.peek() == Tok::Comma {
            self.bump();
            Ok(())
        } else {
            Err(self.shape(name, takes))
        }
    }

    fn ident(&mut self, name: &str, takes: &str) -> Result<String, RuleError> {
        match self.peek() {
            Tok::Ident(s) if !matches!(s.as_str(), "true" | "false" | "today") => {
                let s = s.clone();
                self.bump();
                Ok(s)
            }
            _ => Err(self.shape(name, takes)),
        }
    }

    fn string(&mut self, name: &str, takes: &str) -> Result<String, RuleError> {
        match self.peek() {
            Tok::Str(s) => {
                let s = s.clone();
                self.bump();
                Ok(s)
            }
            _ => Err(self.shape(name, takes)),
        }
    }
}

/// What a function takes, or `None` if there is no such function.
fn takes(name: &str) -> Option<&'static str> {
    Some(match name {
        "age_on" => "two arguments: age_on(date_fact, today)",
        "days_until_birthday" => "three arguments: days_until_birthday(date_fact, years, today)",
        "asked" | "first_asked" => "one fact name",
        "known_before" => "a fact name and an action code in quotes",
        "did" | "first" | "urgent" => "one action code in quotes",
        "contacted" => "one contact id in quotes",
        "own_service" => "nothing: own_service()",
        "before" => "two action codes in quotes",
        _ => return None,
    })
}

fn join(make: fn(Box<Parsed>, Box<Parsed>) -> ExprKind<()>, left: Parsed, right: Parsed) -> Parsed {
    let span = Span {
        start: left.span.start,
        end: right.span.end,
    };
    Parsed {
        kind: make(Box::new(left), Box::new(right)),
        span,
    }
}

#[cfg(test)]
mod tests;
