//! Every random draw of a run comes from a stream named by the run's seed
//! and a label (what draws: `fundamental`, `wake`, `observe`, ...) and
//! numbered by whom it is for (the company's index, the bot's id): adding a
//! bot or a company never changes the draws of the others.

use rand::RngExt;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

/// ChaCha8 keyed by the seed (bytes 0..8) and the label (bytes 8..32, at
/// most 24 bytes), on stream `id`.
pub fn stream(seed: u64, label: &str, id: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let label = label.as_bytes();
    let len = label.len().min(24);
    key[8..8 + len].copy_from_slice(&label[..len]);
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(id);
    rng
}

/// Uniform in [0, 1).
pub fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    rng.random::<f64>()
}

/// Standard normal (Box-Muller).
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - uniform(rng);
    let u2 = uniform(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Exponential with the given mean.
pub fn exponential(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    -mean * (1.0 - uniform(rng)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_label_and_id_and_repeat_by_seed() {
        let draw = |seed, label, id| uniform(&mut stream(seed, label, id));
        assert_eq!(draw(1, "wake", 3), draw(1, "wake", 3));
        assert_ne!(draw(1, "wake", 3), draw(1, "wake", 4));
        assert_ne!(draw(1, "wake", 3), draw(1, "observe", 3));
        assert_ne!(draw(1, "wake", 3), draw(2, "wake", 3));
    }
}
