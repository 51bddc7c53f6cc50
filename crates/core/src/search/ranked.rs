//! The 要確認 list of a search from a place with needs, ranked by evidence
//! ([`crate::relevance`]), then distance.
//!
//! The walk nearest-first stays the one pass it was: facilities whose level
//! comes from their kind (most of them) are taken as the walk meets them. The
//! few whose features can lift them (an accreditation, a welfare service type,
//! a department in the name) are read beforehand from their posting lists,
//! with their distances, so the walk never has to go to the rim of the radius
//! to find the sparse strongest level. The list is settled as soon as, level
//! by level from the strongest, the nearest facilities known reach the page.

use crate::relevance::{Evidence, RelevancePlan};

/// Levels, indexed by [`Evidence`] rank.
const LEVELS: usize = Evidence::STRONGEST_FIRST.len();

/// The 要確認 candidates met so far, per level.
#[derive(Debug)]
pub(super) struct Ranked {
    pub(super) plan: RelevancePlan,
    /// Features that can lift a facility above its kind's level.
    lifting: u64,
    /// Hits wanted over all pages so far: offset + limit + 1 (one more tells
    /// that there is a next page).
    wanted: usize,
    /// Lifted facilities within the radius (complete), nearest first, per level.
    direct: [Vec<(f64, usize)>; LEVELS],
    /// Facilities met by the walk, nearest first, per level (at most `wanted` each).
    walked: [Vec<(f64, usize)>; LEVELS],
    /// Levels the walk can meet (bit per rank): the others are all in `direct`.
    walk_levels: u8,
    /// Distance of the last facility the walk offered, metres.
    frontier: f64,
    /// True once the walk has passed the radius: every list is complete.
    complete: bool,
}

impl Ranked {
    /// Starts a ranking for `plan`, `wanted` hits deep, whose walk can meet
    /// the levels `walk_levels`, with the lifted facilities `direct` (each
    /// with its distance and level).
    pub(super) fn new(
        plan: RelevancePlan,
        wanted: usize,
        walk_levels: u8,
        direct: impl IntoIterator<Item = (f64, usize, Evidence)>,
    ) -> Self {
        let lifting = plan.lifting_features();
        let mut lists: [Vec<(f64, usize)>; LEVELS] = Default::default();
        for (distance_m, i, level) in direct {
            lists[level.rank()].push((distance_m, i));
        }
        for list in &mut lists {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        Self {
            plan,
            lifting,
            wanted,
            direct: lists,
            walked: Default::default(),
            walk_levels,
            frontier: 0.0,
            complete: false,
        }
    }

    /// True when facility `i` with `features` was read beforehand.
    pub(super) fn is_lifted(&self, features: u64) -> bool {
        features & self.lifting != 0
    }

    /// Notes that the walk reached `distance_m`.
    pub(super) fn reach(&mut self, distance_m: f64) {
        self.frontier = self.frontier.max(distance_m);
    }

    /// Takes a 要確認 facility the walk met (not lifted), of `level`.
    pub(super) fn offer(&mut self, i: usize, distance_m: f64, level: Evidence) {
        let list = &mut self.walked[level.rank()];
        if list.len() < self.wanted {
            list.push((distance_m, i));
        }
    }

    /// Marks the walk as having passed the radius.
    pub(super) fn finish_walk(&mut self) {
        self.complete = true;
    }

    /// True when a level's list is complete: the walk is over, or cannot meet it.
    fn settled(&self, rank: usize) -> bool {
        self.complete || self.walk_levels & (1 << rank) == 0
    }

    /// True when the first `wanted` hits are known.
    pub(super) fn determined(&self) -> bool {
        let mut remaining = self.wanted;
        for level in Evidence::STRONGEST_FIRST {
            let rank = level.rank();
            let (direct, walked) = (&self.direct[rank], &self.walked[rank]);
            if !self.settled(rank) {
                let near = direct.partition_point(|&(d, _)| d <= self.frontier);
                return near + walked.len() >= remaining;
            }
            let known = direct.len() + walked.len();
            if known >= remaining {
                return true;
            }
            remaining -= known;
        }
        true
    }

    /// The hits known, strongest level first, then nearest: at least
    /// `wanted` once [`Ranked::determined`], fewer only when there are no more.
    pub(super) fn ordered(&self) -> Vec<(f64, usize)> {
        let mut out = Vec::new();
        for level in Evidence::STRONGEST_FIRST {
            let rank = level.rank();
            let settled = self.settled(rank);
            let mut hits: Vec<(f64, usize)> = self.direct[rank]
                .iter()
                .filter(|&&(d, _)| settled || d <= self.frontier)
                .chain(&self.walked[rank])
                .copied()
                .collect();
            hits.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            out.extend(hits);
            if out.len() >= self.wanted || !settled {
                break;
            }
        }
        out
    }
}
