//! Forests as flat binary (`scorer.forest`): the trees' arrays as they sit in memory, little
//! endian, so that loading is a copy rather than parsing. The full scorer's 2,400 trees and
//! 138,000 nodes took 30 ms to parse as JSON numbers on every start, more than checking a
//! one-sentence text; as binary they load in about a millisecond. Written by hand: the layout
//! is four arrays per tree, and a serialization crate would add a dependency for 60 lines.
//!
//! Layout: `MTFOREST`, u32 version (1), u32 forest count; per forest: u8 loss (0 squared, 1
//! logistic), u32 inputs, f32 base, u32 trees; per tree: u32 nodes, then `feature` (u16 each),
//! `threshold` (f32), `left` (u32) and `value` (f32).

use super::forest::{Forest, Loss, Tree};

const MAGIC: &[u8; 8] = b"MTFOREST";
const VERSION: u32 = 1;

/// The forests as bytes.
pub fn encode(forests: &[&Forest]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(forests.len() as u32).to_le_bytes());
    for f in forests {
        out.push(match f.loss {
            Loss::Squared => 0,
            Loss::Logistic => 1,
        });
        out.extend_from_slice(&(f.inputs as u32).to_le_bytes());
        out.extend_from_slice(&f.base.to_le_bytes());
        out.extend_from_slice(&(f.trees.len() as u32).to_le_bytes());
        for t in &f.trees {
            out.extend_from_slice(&(t.feature.len() as u32).to_le_bytes());
            t.feature.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
            t.threshold.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
            t.left.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
            t.value.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
        }
    }
    out
}

/// The forests in `bytes` (validated: every node points inside its tree and its inputs).
pub fn decode(bytes: &[u8]) -> Result<Vec<Forest>, String> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(8)? != MAGIC {
        return Err("not an mtcheck forest file".into());
    }
    let version = r.u32()?;
    if version != VERSION {
        return Err(format!("forest file version {version}, expected {VERSION}"));
    }
    let count = r.u32()?;
    let mut forests = Vec::new();
    for _ in 0..count {
        let loss = match r.take(1)?[0] {
            0 => Loss::Squared,
            1 => Loss::Logistic,
            other => return Err(format!("unknown loss {other}")),
        };
        let inputs = r.u32()? as usize;
        let base = f32::from_le_bytes(r.array()?);
        let n_trees = r.u32()? as usize;
        // Counts are untrusted: every tree takes at least 4 bytes, so cap the reservation.
        let mut trees = Vec::with_capacity(n_trees.min(r.left() / 4));
        for _ in 0..n_trees {
            let n = r.u32()? as usize;
            if n.checked_mul(14).is_none_or(|b| b > r.left()) {
                return Err("truncated".into());
            }
            trees.push(Tree {
                feature: r.take(2 * n)?.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect(),
                threshold: r
                    .take(4 * n)?
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes(c.try_into().expect("4")))
                    .collect(),
                left: r.take(4 * n)?.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().expect("4"))).collect(),
                value: r.take(4 * n)?.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4"))).collect(),
            });
        }
        let forest = Forest { loss, inputs, base, trees };
        forest.validate()?;
        forests.push(forest);
    }
    if r.left() != 0 {
        return Err(format!("{} bytes after the last forest", r.left()));
    }
    Ok(forests)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or("truncated")?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn array(&mut self) -> Result<[u8; 4], String> {
        Ok(self.take(4)?.try_into().expect("4 bytes"))
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::forest::Params;
    use ndarray::Array2;

    fn forest(loss: Loss) -> Forest {
        let x = Array2::from_shape_fn((200, 3), |(i, j)| ((i * 31 + j * 17) % 23) as f32);
        let y: Vec<f32> = (0..200).map(|i| if (i * 31) % 23 > 11 { 1.0 } else { 0.0 }).collect();
        Forest::train(&x, &y, loss, &Params { trees: 5, depth: 3, min_child_weight: 1.0, ..Params::default() })
    }

    #[test]
    fn forests_survive_the_round_trip_exactly() {
        let (a, b) = (forest(Loss::Squared), forest(Loss::Logistic));
        let back = decode(&encode(&[&a, &b])).unwrap();
        assert_eq!(back.len(), 2);
        for (x, y) in [(&a, &back[0]), (&b, &back[1])] {
            assert_eq!(x.loss, y.loss);
            assert_eq!((x.inputs, x.base.to_bits(), x.trees.len()), (y.inputs, y.base.to_bits(), y.trees.len()));
            for (s, t) in x.trees.iter().zip(&y.trees) {
                assert_eq!((&s.feature, &s.left), (&t.feature, &t.left));
                assert!(s.threshold.iter().zip(&t.threshold).all(|(p, q)| p.to_bits() == q.to_bits()));
                assert!(s.value.iter().zip(&t.value).all(|(p, q)| p.to_bits() == q.to_bits()));
            }
        }
    }

    #[test]
    fn damaged_files_are_refused_never_trusted() {
        let bytes = encode(&[&forest(Loss::Squared)]);
        for cut in [0, 7, 12, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(decode(&extra).unwrap_err().contains("after the last forest"));
        // A huge tree count with no trees behind it.
        let mut lying = bytes[..25].to_vec();
        lying.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&lying).is_err());
        // A node pointing outside its tree: find the first tree's `left` array and corrupt it.
        let mut bad = bytes.clone();
        let n = u32::from_le_bytes(bad[29..33].try_into().unwrap()) as usize;
        let left = 33 + 2 * n + 4 * n;
        bad[left..left + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let leaf_at_root = u16::from_le_bytes([bad[33], bad[34]]) == u16::MAX;
        assert!(leaf_at_root || decode(&bad).unwrap_err().contains("points outside"));
    }
}
