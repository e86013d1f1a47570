//! The evaluation metrics of DESIGN's `mtcheck-eval v1`, computed as the reference
//! implementation `../shared/tools/score.py` computes them (same tie handling, same token
//! alignment), so `mtcheck eval` and score.py agree.

/// Pearson correlation; NaN with fewer than 3 points or no variance.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len();
    if n < 3 || y.len() != n {
        return f64::NAN;
    }
    let (mx, my) = (x.iter().sum::<f64>() / n as f64, y.iter().sum::<f64>() / n as f64);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        f64::NAN
    }
}

/// 1-based ranks, ties sharing their average rank.
pub fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            r[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

/// ROC-AUC: P(score of a positive > score of a negative), ties counted half.
pub fn auc(scores: &[f64], labels: &[bool]) -> f64 {
    let pos = labels.iter().filter(|&&l| l).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    let r = ranks(scores);
    let pos_rank_sum: f64 = r.iter().zip(labels).filter(|(_, &l)| l).map(|(ri, _)| ri).sum();
    (pos_rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Matthews correlation coefficient from a confusion matrix (0 when undefined).
pub fn mcc(tp: f64, fp: f64, fn_: f64, tn: f64) -> f64 {
    let d = ((tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_)).sqrt();
    if d > 0.0 {
        (tp * tn - fp * fn_) / d
    } else {
        0.0
    }
}

/// Character ranges of each dataset token inside `text` (as a char slice), skipping
/// whitespace; `None` where the token cannot be found. A port of score.py's `align`.
pub fn align(text: &[char], tokens: &[String]) -> Vec<Option<(usize, usize)>> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut pos = 0usize;
    for t in tokens {
        let t: Vec<char> = t.chars().collect();
        while pos < text.len() && text[pos].is_whitespace() {
            pos += 1;
        }
        if starts_with(text, pos, &t) {
            out.push(Some((pos, pos + t.len())));
            pos += t.len();
            continue;
        }
        // Loose match of the token's characters, skipping whitespace between them.
        let (mut k, mut start, mut ok) = (pos, None, true);
        for &ch in &t {
            while k < text.len() && text[k].is_whitespace() {
                k += 1;
            }
            if k < text.len() && text[k] == ch {
                start.get_or_insert(k);
                k += 1;
            } else {
                ok = false;
                break;
            }
        }
        if let (true, Some(s)) = (ok, start) {
            out.push(Some((s, k)));
            pos = k;
            continue;
        }
        match find(text, pos, &t) {
            Some(j) if j - pos < 40 => {
                out.push(Some((j, j + t.len())));
                pos = j + t.len();
            }
            _ => out.push(None),
        }
    }
    out
}

fn starts_with(text: &[char], pos: usize, t: &[char]) -> bool {
    text.get(pos..pos + t.len()) == Some(t)
}

/// Like Python's `str.find(t, pos)` (an empty token is found at `pos`).
fn find(text: &[char], pos: usize, t: &[char]) -> Option<usize> {
    if pos > text.len() {
        return None;
    }
    if t.is_empty() {
        return Some(pos);
    }
    (pos..=text.len().saturating_sub(t.len())).find(|&j| starts_with(text, j, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_on_small_cases() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.1]) - 0.9999).abs() < 1e-3);
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
        assert_eq!(auc(&[0.9, 0.1, 0.8, 0.3], &[true, false, true, false]), 1.0);
        assert_eq!(auc(&[0.5, 0.5], &[true, false]), 0.5);
        assert_eq!(mcc(0.0, 0.0, 0.0, 0.0), 0.0);
    }

    #[test]
    fn align_handles_exact_loose_and_lost_tokens() {
        let text: Vec<char> = "Zoë said: don't go.".chars().collect();
        let tokens: Vec<String> =
            ["Zoë", "said", ":", "do", "n't", "go", ".", "missing"].iter().map(|s| s.to_string()).collect();
        let got = align(&text, &tokens);
        assert_eq!(got[0], Some((0, 3)));
        assert_eq!(got[3], Some((10, 12)));
        assert_eq!(got[4], Some((12, 15)));
        assert_eq!(got[7], None);
    }
}
