//! The word diff of an aligned sentence pair: the longest common subsequence of their words,
//! and between its anchors the stretches each side has that the other does not. Sentences are
//! short (tens of words), so the quadratic table is cheap; written by hand because the diff
//! crates work on lines or characters and give no index ranges over our token lists.

use std::ops::Range;

/// One stretch where the two differ: our words and their words at that place (either may be
/// empty: an insertion or a deletion).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub ours: Range<usize>,
    pub theirs: Range<usize>,
}

/// The edits that turn `theirs` into `ours`, in order.
pub fn changed(ours: &[&str], theirs: &[&str]) -> Vec<Edit> {
    let (n, m) = (ours.len(), theirs.len());
    // lcs[i][j]: LCS length of ours[i..] and theirs[j..].
    let width = m + 1;
    let mut lcs = vec![0u16; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * width + j] = if ours[i] == theirs[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let mut edits = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut start_i, mut start_j) = (0, 0);
    let flush = |i: usize, j: usize, start_i: usize, start_j: usize, edits: &mut Vec<Edit>| {
        if i > start_i || j > start_j {
            edits.push(Edit { ours: start_i..i, theirs: start_j..j });
        }
    };
    while i < n && j < m {
        if ours[i] == theirs[j] {
            flush(i, j, start_i, start_j, &mut edits);
            i += 1;
            j += 1;
            (start_i, start_j) = (i, j);
        } else if lcs[(i + 1) * width + j] >= lcs[i * width + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    flush(n, m, start_i, start_j, &mut edits);
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    #[test]
    fn substitutions_insertions_and_deletions() {
        let theirs = w("son of the late commander ahmad shah massoud");
        let ours = w("son of former soviet leader ahmad shah massoud");
        let edits = changed(&ours, &theirs);
        assert_eq!(edits, vec![Edit { ours: 2..5, theirs: 2..5 }]);
        assert_eq!(changed(&w("a b c"), &w("a b c")), vec![]);
        assert_eq!(changed(&w("a x b"), &w("a b")), vec![Edit { ours: 1..2, theirs: 1..1 }]);
        assert_eq!(changed(&w("a b"), &w("a y b")), vec![Edit { ours: 1..1, theirs: 1..2 }]);
        assert_eq!(changed(&w("p q"), &w("")), vec![Edit { ours: 0..2, theirs: 0..0 }]);
    }
}
