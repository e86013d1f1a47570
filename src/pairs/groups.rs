//! Documents linked by verified pairs, gathered into groups (union-find with path halving:
//! four bytes a document, the only per-document state of `mtcheck pairs` besides the spill's
//! offsets).

pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind { parent: (0..n as u32).collect() }
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        // The smaller number becomes the root: groups come out in input order.
        if ra < rb {
            self.parent[rb as usize] = ra;
        } else if rb < ra {
            self.parent[ra as usize] = rb;
        }
    }
}

/// The groups of linked documents (each sorted, in order of their first document).
pub fn groups(n: usize, pairs: &[(u32, u32)]) -> Vec<Vec<u32>> {
    let mut sets = UnionFind::new(n);
    for &(a, b) in pairs {
        sets.union(a, b);
    }
    let mut linked: Vec<u32> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
    linked.sort_unstable();
    linked.dedup();
    let mut by_root: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for doc in linked {
        by_root.entry(sets.find(doc)).or_default().push(doc);
    }
    by_root.into_values().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn chains_join_and_groups_keep_input_order() {
        assert_eq!(super::groups(8, &[(5, 6), (1, 3), (6, 7), (3, 2)]), vec![vec![1, 2, 3], vec![5, 6, 7]]);
        assert!(super::groups(3, &[]).is_empty());
    }
}
