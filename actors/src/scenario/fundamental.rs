//! A company's fundamental value: an Ornstein-Uhlenbeck process (it drifts
//! back to its mean at the reversion speed, with Gaussian noise) plus
//! Poisson jumps of normally distributed relative size. Stepped exactly (the
//! OU transition over one step, not an Euler approximation) on a fixed grid
//! from the company's own random stream.

use rand::rngs::ChaCha8Rng;

use super::rng;
use super::spec::FundamentalSpec;

#[derive(Debug)]
pub struct Fundamental {
    spec: FundamentalSpec,
    /// Cents.
    value: f64,
    rng: ChaCha8Rng,
}

impl Fundamental {
    pub fn new(spec: FundamentalSpec, rng: ChaCha8Rng) -> Fundamental {
        Fundamental {
            value: spec.mean,
            spec,
            rng,
        }
    }

    /// Cents (never below one).
    pub fn value(&self) -> f64 {
        self.value
    }

    pub fn step_ms(&self) -> i64 {
        self.spec.step_ms
    }

    /// Move one step of the grid.
    pub fn step(&mut self) {
        let dt = self.spec.step_ms as f64 / 1_000.0;
        let k = self.spec.reversion;
        let (decay, spread) = if k > 0.0 {
            let decay = (-k * dt).exp();
            (decay, ((1.0 - decay * decay) / (2.0 * k)).sqrt())
        } else {
            (1.0, dt.sqrt())
        };
        let noise = rng::normal(&mut self.rng);
        let mut value = self.spec.mean
            + (self.value - self.spec.mean) * decay
            + self.spec.sigma * spread * noise;
        if self.spec.jump_rate > 0.0
            && rng::uniform(&mut self.rng) < 1.0 - (-self.spec.jump_rate * dt).exp()
        {
            value *= 1.0 + self.spec.jump_mean + self.spec.jump_sd * rng::normal(&mut self.rng);
        }
        self.value = value.max(1.0);
    }

    /// News: the value and the mean it reverts to move by `impact` for good.
    pub fn shock(&mut self, impact: f64) {
        self.value = (self.value * (1.0 + impact)).max(1.0);
        self.spec.mean = (self.spec.mean * (1.0 + impact)).max(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(reversion: f64, sigma: f64) -> FundamentalSpec {
        FundamentalSpec {
            mean: 10_000.0,
            reversion,
            sigma,
            jump_rate: 0.0,
            jump_mean: 0.0,
            jump_sd: 0.0,
            step_ms: 1_000,
        }
    }

    #[test]
    fn without_noise_it_decays_to_the_mean_exactly() {
        let mut value = Fundamental::new(spec(0.5, 0.0), rng::stream(1, "f", 0));
        value.shock(0.1);
        assert!((value.value() - 11_000.0).abs() < 1e-9);
        // The mean moved with the news: nothing to revert.
        value.step();
        assert!((value.value() - 11_000.0).abs() < 1e-9);
        value.spec.mean = 10_000.0;
        value.step();
        let expected = 10_000.0 + 1_000.0 * (-0.5f64).exp();
        assert!((value.value() - expected).abs() < 1e-9);
    }

    #[test]
    fn a_strongly_reverting_process_stays_near_its_mean() {
        let mut value = Fundamental::new(spec(1.0, 50.0), rng::stream(7, "f", 0));
        let mut sum = 0.0;
        for _ in 0..10_000 {
            value.step();
            sum += value.value();
        }
        // Stationary sd is 50/sqrt(2) = 35 cents; the mean of 10,000 draws
        // is far closer than that.
        assert!((sum / 10_000.0 - 10_000.0).abs() < 5.0);
    }
}
