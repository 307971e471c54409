//! Rules, with their nesting bounded on reading.

use super::*;
use crate::rule::{CmpOp, Expr, ExprKind, PathPred, Span};

impl<'b> Writer<'b> {
    pub(super) fn expr(&mut self, e: &'b Expr) {
        let Expr { kind, span } = e;
        self.usize(span.start);
        self.usize(span.end);
        match kind {
            ExprKind::Bool(b) => {
                self.tag(0);
                self.flag(*b);
            }
            ExprKind::Int(i) => {
                self.tag(1);
                self.int(*i);
            }
            ExprKind::Str(s) => {
                self.tag(2);
                self.str(s);
            }
            ExprKind::Fact(s, slot) => {
                self.tag(3);
                self.str(s);
                self.slot(*slot);
            }
            ExprKind::Today => self.tag(4),
            ExprKind::Not(a) => {
                self.tag(5);
                self.expr(a);
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Implies(a, b) => {
                self.tag(match kind {
                    ExprKind::And(..) => 6,
                    ExprKind::Or(..) => 7,
                    _ => 8,
                });
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Cmp(op, a, b) => {
                self.tag(9);
                self.tag(match op {
                    CmpOp::Eq => 0,
                    CmpOp::Ne => 1,
                    CmpOp::Lt => 2,
                    CmpOp::Le => 3,
                    CmpOp::Gt => 4,
                    CmpOp::Ge => 5,
                });
                self.expr(a);
                self.expr(b);
            }
            ExprKind::AgeOn(a, b) => {
                self.tag(10);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::DaysUntilBirthday(a, years, b) => {
                self.tag(11);
                self.expr(a);
                self.int(i64::from(*years));
                self.expr(b);
            }
            ExprKind::Path(p) => {
                self.tag(12);
                match p {
                    PathPred::Asked(f) => {
                        self.tag(0);
                        self.str(f);
                    }
                    PathPred::FirstAsked(f) => {
                        self.tag(1);
                        self.str(f);
                    }
                    PathPred::Did(c) => {
                        self.tag(2);
                        self.str(c);
                    }
                    PathPred::First(c) => {
                        self.tag(3);
                        self.str(c);
                    }
                    PathPred::KnownBefore(a, b) => {
                        self.tag(4);
                        self.str(a);
                        self.str(b);
                    }
                    PathPred::Before(a, b) => {
                        self.tag(5);
                        self.str(a);
                        self.str(b);
                    }
                    PathPred::Urgent(c) => {
                        self.tag(6);
                        self.str(c);
                    }
                    PathPred::Contacted(c) => {
                        self.tag(7);
                        self.str(c);
                    }
                    PathPred::OwnService => self.tag(8),
                }
            }
        }
    }
}

impl<'a> Reader<'a> {
    pub(super) fn sub(&mut self) -> Box<Expr> {
        Box::new(self.expr())
    }

    pub(super) fn expr(&mut self) -> Expr {
        let span = Span {
            start: self.uint() as usize,
            end: self.uint() as usize,
        };
        if self.depth == MAX_DEPTH {
            self.fail_with("a rule nests too deeply");
        }
        // After an error every tag reads 0, a leaf: the recursion ends there.
        self.depth += 1;
        let kind = match self.tag(13) {
            0 => ExprKind::Bool(self.flag()),
            1 => ExprKind::Int(self.int()),
            2 => ExprKind::Str(self.string()),
            3 => ExprKind::Fact(self.string(), self.slot()),
            4 => ExprKind::Today,
            5 => ExprKind::Not(self.sub()),
            6 => ExprKind::And(self.sub(), self.sub()),
            7 => ExprKind::Or(self.sub(), self.sub()),
            8 => ExprKind::Implies(self.sub(), self.sub()),
            9 => {
                let op = match self.tag(6) {
                    0 => CmpOp::Eq,
                    1 => CmpOp::Ne,
                    2 => CmpOp::Lt,
                    3 => CmpOp::Le,
                    4 => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                ExprKind::Cmp(op, self.sub(), self.sub())
            }
            10 => ExprKind::AgeOn(self.sub(), self.sub()),
            11 => ExprKind::DaysUntilBirthday(self.sub(), self.i32(), self.sub()),
            _ => ExprKind::Path(match self.tag(9) {
                0 => PathPred::Asked(self.string()),
                1 => PathPred::FirstAsked(self.string()),
                2 => PathPred::Did(self.string()),
                3 => PathPred::First(self.string()),
                4 => PathPred::KnownBefore(self.string(), self.string()),
                5 => PathPred::Before(self.string(), self.string()),
                6 => PathPred::Urgent(self.string()),
                7 => PathPred::Contacted(self.string()),
                _ => PathPred::OwnService,
            }),
        };
        self.depth -= 1;
        Expr { kind, span }
    }
}
