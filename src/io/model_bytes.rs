//! A model file's bytes, however they were got: memory-mapped from the file (pages read as
//! they are used), or in anonymous memory (read in whole, or built in memory by a trainer).
//! The language model and the topic vectors both hold their file this way.

use memmap2::{Mmap, MmapMut};

pub enum ModelBytes {
    Mapped(Mmap),
    InMemory(MmapMut),
}

impl ModelBytes {
    /// `bytes` copied into anonymous memory.
    pub fn copied(bytes: &[u8]) -> std::io::Result<ModelBytes> {
        let mut memory = MmapMut::map_anon(bytes.len().max(1))?;
        memory[..bytes.len()].copy_from_slice(bytes);
        Ok(ModelBytes::InMemory(memory))
    }
}

impl std::ops::Deref for ModelBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            ModelBytes::Mapped(m) => m,
            ModelBytes::InMemory(m) => m,
        }
    }
}

impl std::fmt::Debug for ModelBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = if matches!(self, ModelBytes::Mapped(_)) { "mapped" } else { "in memory" };
        write!(f, "ModelBytes({} bytes, {how})", self.len())
    }
}
