//! Small-number suppression for a table with its totals, so that no count from 1 to 4 is
//! shown and none can be worked out from what is shown.
//!
//! The table is a grid with margins: rows `0..R` and a last row of column totals, columns
//! `0..C` and a last column of row totals. Every row and every column of the grid (totals
//! included) is a *line*: its cells add up to its total.
//!
//! 1. **Primary:** every entry from 1 to 4 (totals too) is suppressed.
//! 2. **Lines:** a reader who knows that a suppressed small count is 1 to 4 and that every
//!    other suppressed count is at least 0 must not be able to pin any suppressed entry of a
//!    line to one value from that line alone (this covers a line with exactly one suppressed
//!    entry, and two small counts that can only be 1 and 1). Otherwise the smallest other
//!    entry of the line is suppressed too (a cell before the total; non-zero first).
//! 3. **Combinations:** no suppressed entry may be worked out by adding and subtracting
//!    several lines. Suppressed entries are edges between their row and their column; an
//!    entry is fixed by the shown values exactly when it is a bridge of that graph (the sums
//!    of the lines stay the same when +1 and -1 alternate round any cycle). A bridge gets an
//!    entry that closes a cycle through it.
//!
//! Repeated until nothing changes; the tables of one report share their total row
//! ([`suppress_linked`]), so a total hidden in one is hidden in all.

use std::collections::BTreeSet;

/// How an entry is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    Shown,
    /// A count from 1 to 4.
    Small,
    /// Hidden so that a small count cannot be worked out.
    Hidden,
}

type Grid = [Vec<u64>];

/// Suppresses the tables (each a grid with margins, the same number of columns) as one
/// report: the last row (totals by column) is the same in each and is shown the same.
pub(crate) fn suppress_linked(grids: &[Vec<Vec<u64>>]) -> Vec<Vec<Vec<Mark>>> {
    let mut forced = BTreeSet::new();
    loop {
        let marks: Vec<_> = grids.iter().map(|g| suppress(g, &forced)).collect();
        let hidden: BTreeSet<usize> = marks
            .iter()
            .flat_map(|m| {
                let last = m.last().cloned().unwrap_or_default();
                (0..last.len()).filter(move |&j| last[j] != Mark::Shown)
            })
            .collect();
        if hidden == forced {
            return marks;
        }
        forced = hidden;
    }
}

/// The marks of one grid; the entries of the last row in `forced` are hidden.
pub(crate) fn suppress(grid: &Grid, forced: &BTreeSet<usize>) -> Vec<Vec<Mark>> {
    let rows = grid.len();
    let cols = grid.first().map_or(0, Vec::len);
    let mut marks: Vec<Vec<Mark>> = grid
        .iter()
        .map(|row| {
            row.iter()
                .map(|&v| {
                    if (1..=4).contains(&v) {
                        Mark::Small
                    } else {
                        Mark::Shown
                    }
                })
                .collect()
        })
        .collect();
    if rows == 0 || cols == 0 {
        return marks;
    }
    for &j in forced {
        if j < cols && marks[rows - 1][j] == Mark::Shown {
            marks[rows - 1][j] = Mark::Hidden;
        }
    }
    while let Some((i, j)) = pinned_in_line(grid, &marks).or_else(|| bridge(grid, &marks)) {
        marks[i][j] = Mark::Hidden;
    }
    marks
}

/// The entries of every line: each row, then each column; the total is the last entry.
fn lines(rows: usize, cols: usize) -> Vec<Vec<(usize, usize)>> {
    let mut all: Vec<Vec<(usize, usize)>> = (0..rows)
        .map(|i| (0..cols).map(|j| (i, j)).collect())
        .collect();
    all.extend((0..cols).map(|j| (0..rows).map(|i| (i, j)).collect()));
    all
}

/// Bounds a reader knows for a suppressed entry.
fn bounds(mark: Mark) -> (i128, i128) {
    match mark {
        Mark::Small => (1, 4),
        // No upper bound: far above any count, small enough never to overflow a sum.
        _ => (0, 1 << 40),
    }
}

/// An entry to hide because some line pins one of its suppressed entries to one value.
fn pinned_in_line(grid: &Grid, marks: &[Vec<Mark>]) -> Option<(usize, usize)> {
    let (rows, cols) = (grid.len(), grid[0].len());
    for line in lines(rows, cols) {
        let total = *line.last()?;
        // The line: sum of cells - total = 0, so sum of suppressed (signed) = k.
        let sign = |e: (usize, usize)| if e == total { -1i128 } else { 1 };
        let hidden: Vec<_> = line
            .iter()
            .copied()
            .filter(|&(i, j)| marks[i][j] != Mark::Shown)
            .collect();
        if hidden.is_empty() {
            continue;
        }
        let k: i128 = hidden
            .iter()
            .map(|&(i, j)| sign((i, j)) * i128::from(grid[i][j]))
            .sum();
        let pinned = hidden.iter().any(|&e| {
            let (lo_e, hi_e) = bounds(marks[e.0][e.1]);
            // Range of the others' signed sum.
            let (mut lo, mut hi) = (0i128, 0i128);
            for &f in hidden.iter().filter(|&&f| f != e) {
                let (l, h) = bounds(marks[f.0][f.1]);
                if sign(f) > 0 {
                    lo += l;
                    hi += h;
                } else {
                    lo -= h;
                    hi -= l;
                }
            }
            // sign(e) * x_e = k - others.
            let (a, b) = (k - hi, k - lo);
            let (a, b) = if sign(e) > 0 { (a, b) } else { (-b, -a) };
            a.max(lo_e) == b.min(hi_e)
        });
        if pinned && let Some(e) = smallest(grid, marks, line.iter().copied(), total) {
            return Some(e);
        }
    }
    None
}

/// The smallest shown entry, non-zero first, a cell before `total`.
fn smallest(
    grid: &Grid,
    marks: &[Vec<Mark>],
    entries: impl Iterator<Item = (usize, usize)>,
    total: (usize, usize),
) -> Option<(usize, usize)> {
    entries
        .filter(|&(i, j)| marks[i][j] == Mark::Shown)
        .min_by_key(|&(i, j)| (grid[i][j] == 0, (i, j) == total, grid[i][j], i, j))
}

/// A suppressed entry that no cycle passes through (so the shown values fix it), and the
/// entry that closes a cycle through it.
fn bridge(grid: &Grid, marks: &[Vec<Mark>]) -> Option<(usize, usize)> {
    let (rows, cols) = (grid.len(), grid[0].len());
    let hidden: Vec<(usize, usize)> = (0..rows)
        .flat_map(|i| (0..cols).map(move |j| (i, j)))
        .filter(|&(i, j)| marks[i][j] != Mark::Shown)
        .collect();
    for &edge in &hidden {
        // Nodes: rows 0..rows, columns rows..rows+cols.
        let side = |start: usize| reachable(rows, cols, &hidden, edge, start);
        let a = side(edge.0);
        if a[rows + edge.1] {
            continue;
        }
        let b = side(rows + edge.1);
        let across = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| (i, j)))
            .filter(|&(i, j)| (a[i] && b[rows + j]) || (b[i] && a[rows + j]));
        let total = (rows - 1, cols - 1);
        if let Some(e) = smallest(grid, marks, across, total) {
            return Some(e);
        }
    }
    None
}

/// Which nodes `start` reaches over the suppressed entries other than `without`.
fn reachable(
    rows: usize,
    cols: usize,
    hidden: &[(usize, usize)],
    without: (usize, usize),
    start: usize,
) -> Vec<bool> {
    let mut seen = vec![false; rows + cols];
    let mut stack = vec![start];
    seen[start] = true;
    while let Some(node) = stack.pop() {
        for &(i, j) in hidden.iter().filter(|&&e| e != without) {
            let next = if node == i {
                rows + j
            } else if node == rows + j {
                i
            } else {
                continue;
            };
            if !seen[next] {
                seen[next] = true;
                stack.push(next);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grid with margins from inner cells.
    pub(crate) fn with_margins(cells: &[Vec<u64>]) -> Vec<Vec<u64>> {
        let cols = cells[0].len();
        let mut grid: Vec<Vec<u64>> = cells
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.push(r.iter().sum());
                r
            })
            .collect();
        let totals = (0..=cols)
            .map(|j| grid.iter().map(|r| r[j]).sum())
            .collect();
        grid.push(totals);
        grid
    }

    #[test]
    fn one_small_cell_in_a_row_hides_the_next_smallest_in_its_row_and_column() {
        let grid = with_margins(&[vec![3, 10, 20], vec![15, 12, 30], vec![40, 8, 9]]);
        let marks = suppress(&grid, &BTreeSet::new());
        assert_eq!(marks[0][0], Mark::Small);
        assert_eq!(marks[0][1], Mark::Hidden, "next smallest in its row");
        // The column of the small cell has a second hidden entry too.
        assert!((1..4).any(|i| marks[i][0] != Mark::Shown));
        for line in lines(4, 4) {
            let n = line
                .iter()
                .filter(|&&(i, j)| marks[i][j] != Mark::Shown)
                .count();
            assert_ne!(n, 1, "{line:?}");
        }
    }

    #[test]
    fn two_small_cells_that_can_only_be_ones_get_a_third() {
        // Row 0: 1 + 1 + 50 = 52: knowing both are 1 to 4 and sum to 2 pins them.
        let grid = with_margins(&[vec![1, 1, 50], vec![20, 30, 40], vec![25, 35, 45]]);
        let marks = suppress(&grid, &BTreeSet::new());
        assert_eq!(marks[0][2], Mark::Hidden);
    }

    #[test]
    fn nothing_small_nothing_hidden() {
        let grid = with_margins(&[vec![0, 10], vec![7, 0]]);
        let marks = suppress(&grid, &BTreeSet::new());
        assert!(marks.iter().flatten().all(|&m| m == Mark::Shown));
    }
}
