//! A scenario run live, inside the server on the wall clock: what falls due
//! when. Pure: the server asks what is due by the run's elapsed time (time
//! spent paused does not count) and carries each item out; the companies'
//! fundamental values move here, on their grid and with the news, drawn
//! from the streams the kernel uses for them.

use super::fundamental::Fundamental;
use super::queue::EventQueue;
use super::rng;
use super::spec::Scenario;
use crate::types::Money;

/// Something the server carries out, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub enum Due {
    /// `scenario.events[i]`.
    Event(usize),
    /// Company `company`'s fundamental value is now `value`.
    Fundamental { company: usize, value: Money },
    /// Sample every company's top of book (the summary's statistics).
    Sample,
    /// The run's duration is over; nothing is due after it.
    End,
}

#[derive(Debug, Clone, Copy)]
enum Item {
    Event(usize),
    Step(usize),
    Sample,
}

#[derive(Debug)]
pub struct LivePlan {
    queue: EventQueue<Item>,
    fundamentals: Vec<Option<Fundamental>>,
    /// Per event: for news (and earnings with an impact), the companies it
    /// moves and by how much (ppm).
    news: Vec<Option<(Vec<usize>, i64)>>,
    duration_ms: i64,
    l1_interval_ms: i64,
    ended: bool,
}

impl LivePlan {
    pub fn new(scenario: &Scenario) -> LivePlan {
        let fundamentals: Vec<Option<Fundamental>> = scenario
            .companies
            .iter()
            .enumerate()
            .map(|(index, company)| {
                company.fundamental.map(|spec| {
                    Fundamental::new(
                        spec,
                        rng::stream(scenario.seed, "fundamental", index as u64),
                    )
                })
            })
            .collect();
        let mut queue = EventQueue::default();
        for (c, fundamental) in fundamentals.iter().enumerate() {
            if let Some(f) = fundamental {
                queue.push(f.step_ms(), Item::Step(c));
            }
        }
        queue.push(scenario.outputs.l1_interval_ms, Item::Sample);
        for (i, event) in scenario.events.iter().enumerate() {
            queue.push(event.at_ms, Item::Event(i));
        }
        let news = scenario
            .events
            .iter()
            .map(|event| {
                let (symbol, impact_ppm) = event.kind.value_shock()?;
                let targets = match symbol {
                    Some(c) => vec![c],
                    None => (0..scenario.companies.len()).collect(),
                };
                Some((targets, impact_ppm))
            })
            .collect();
        LivePlan {
            queue,
            fundamentals,
            news,
            duration_ms: scenario.duration_ms,
            l1_interval_ms: scenario.outputs.l1_interval_ms,
            ended: false,
        }
    }

    /// Company `c`'s fundamental value now, when it has one.
    pub fn fundamental(&self, c: usize) -> Option<Money> {
        self.fundamentals.get(c)?.as_ref().map(cents)
    }

    /// The elapsed milliseconds at which something is next due; `None`
    /// once the run has ended.
    pub fn next_at(&self) -> Option<i64> {
        if self.ended {
            return None;
        }
        Some(
            self.queue
                .peek_time()
                .map_or(self.duration_ms, |at| at.min(self.duration_ms)),
        )
    }

    /// Everything due by `elapsed_ms`, in time order (items of one instant
    /// in the order they were scheduled); [`Due::End`] last, once. News
    /// (and earnings with an impact) moves the values of the companies it
    /// is about, as in the kernel.
    pub fn due(&mut self, elapsed_ms: i64) -> Vec<Due> {
        let mut due = Vec::new();
        if self.ended {
            return due;
        }
        let until = elapsed_ms.min(self.duration_ms);
        while let Some(at) = self.queue.peek_time() {
            if at > until || at >= self.duration_ms {
                break;
            }
            let Some((at, item)) = self.queue.pop() else {
                break;
            };
            match item {
                Item::Event(i) => {
                    due.push(Due::Event(i));
                    if let Some((targets, impact_ppm)) = &self.news[i] {
                        let impact = *impact_ppm as f64 / 1e6;
                        for &c in targets {
                            if let Some(f) = &mut self.fundamentals[c] {
                                f.shock(impact);
                                due.push(Due::Fundamental {
                                    company: c,
                                    value: cents(f),
                                });
                            }
                        }
                    }
                }
                Item::Step(c) => {
                    if let Some(f) = &mut self.fundamentals[c] {
                        f.step();
                        due.push(Due::Fundamental {
                            company: c,
                            value: cents(f),
                        });
                        self.queue.push(at + f.step_ms(), Item::Step(c));
                    }
                }
                Item::Sample => {
                    due.push(Due::Sample);
                    self.queue.push(at + self.l1_interval_ms, Item::Sample);
                }
            }
        }
        if elapsed_ms >= self.duration_ms {
            self.ended = true;
            due.push(Due::End);
        }
        due
    }
}

fn cents(f: &Fundamental) -> Money {
    Money(f.value().round().max(1.0) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    const FILE: &str = r#"
version = 1
name = "live"
seed = 5
start = "2026-01-05T09:30:00Z"
duration = "10s"

[[companies]]
symbol = "ACME"
name = "Acme"
sector = "Industrials"
shares_outstanding = 1000
ipo_price = "100.00"
tick_size = "0.01"

[companies.fundamental]
reversion = 0.01
volatility = 0.001
step = "2s"

[[companies]]
symbol = "BOLT"
name = "Bolt"
sector = "Energy"
shares_outstanding = 1000
ipo_price = "20.00"
tick_size = "0.01"

[[events]]
at = "3s"
kind = "halt"

[[events]]
at = "3s"
kind = "news"
headline = "rates cut"
impact = 0.10

[outputs]
l1_interval = "4s"
"#;

    fn scenario() -> Scenario {
        Scenario::from_file(&parse(FILE).unwrap()).unwrap()
    }

    #[test]
    fn items_fall_due_in_time_order_and_the_end_comes_once() {
        let scenario = scenario();
        let mut plan = LivePlan::new(&scenario);
        let mut reference = Fundamental::new(
            scenario.companies[0].fundamental.unwrap(),
            rng::stream(5, "fundamental", 0),
        );
        let value = |f: &Fundamental| Money(f.value().round() as i64);
        assert_eq!(plan.fundamental(0), Some(Money(10_000)));
        assert_eq!(plan.fundamental(1), None);
        assert_eq!(plan.next_at(), Some(2_000));
        assert_eq!(plan.due(1_999), vec![]);

        reference.step();
        assert_eq!(
            plan.due(3_500),
            vec![
                Due::Fundamental {
                    company: 0,
                    value: value(&reference)
                },
                Due::Event(0),
                Due::Event(1),
            ]
            .into_iter()
            .chain({
                reference.shock(0.10);
                [Due::Fundamental {
                    company: 0,
                    value: value(&reference),
                }]
            })
            .collect::<Vec<_>>()
        );
        assert_eq!(plan.next_at(), Some(4_000));
        // Steps every 2 s, samples every 4 s (at 4 s and 8 s the sample was
        // scheduled first), then the end; the step at 10 s is past it.
        let rest = plan.due(60_000);
        let kinds: Vec<&str> = rest
            .iter()
            .map(|d| match d {
                Due::Fundamental { .. } => "step",
                Due::Sample => "sample",
                Due::End => "end",
                Due::Event(_) => "event",
            })
            .collect();
        assert_eq!(kinds, ["sample", "step", "step", "sample", "step", "end"]);
        assert_eq!(plan.next_at(), None);
        assert_eq!(plan.due(70_000), vec![]);
    }

    #[test]
    fn an_earnings_event_with_an_impact_moves_its_companys_value_as_news_does() {
        let earnings = "[[events]]\nat = \"1s\"\nkind = \"earnings\"\nsymbol = \"ACME\"\n\
                        year = 2025\nrevenue = 10\noperating_profit = 2\nnet_income = 1\n";
        let text = FILE.replace("[outputs]", &format!("{earnings}impact = -0.2\n[outputs]"));
        let scenario = Scenario::from_file(&parse(&text).unwrap()).unwrap();
        let mut plan = LivePlan::new(&scenario);
        assert_eq!(
            plan.due(1_000),
            [
                Due::Event(2),
                Due::Fundamental {
                    company: 0,
                    value: Money(8_000)
                }
            ]
        );
        let quiet = FILE.replace("[outputs]", &format!("{earnings}[outputs]"));
        let scenario = Scenario::from_file(&parse(&quiet).unwrap()).unwrap();
        assert_eq!(LivePlan::new(&scenario).due(1_000), [Due::Event(2)]);
    }
}
