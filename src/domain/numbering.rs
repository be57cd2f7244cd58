//! 序号 after a merge: how a finding's number is shown when two replicas numbered findings of
//! one session independently.
//!
//! A new finding takes the next number its own replica sees in its session (`seq`, an `Int`
//! field written with the finding). Two inspectors capturing in the same session on two
//! devices therefore both write 3; after their bundles meet, the session holds two findings
//! numbered 3. The stored numbers are left as they are (nobody wrote an op to change them),
//! and the display tells them apart:
//!
//! - Within a session, the findings holding one number are ordered by the op that set their
//!   number, `(hlc, replica, seq)` — the same order conflicts use — then by finding id. The
//!   first is shown as the bare number, `3`; the second `3'`, the third `3''`, and so on.
//! - Deleted findings take part (their numbers stay taken, as they always have), so deleting
//!   one of two 3s does not turn the other's `3'` into `3`.
//! - The label depends only on the ops held, never on the order they arrived in, so every
//!   replica that holds the same ops shows the same labels.
//! - The number itself never changes without an op: a person who wrote "3" on paper still
//!   finds 3 in the label (`3` or `3'`). Making the labels plain again is an explicit op:
//!   `renumber_changes` gives every finding shown with a mark the next free numbers.
//! - The next capture takes the highest number held plus one, so new numbers never collide
//!   on one device.
//!
//! The mark is an ASCII apostrophe, not the prime sign ′: U+2032 is of ambiguous East Asian
//! width and would shift columns on CJK-configured terminals; and `3-2` would become a date
//! when a CSV is opened in a spreadsheet.
//!
//! A label is settled once every replica's ops are in: a third device bringing an older 3
//! later shifts the marks by one (deterministically, the same everywhere). JSON keeps `seq`
//! (a number) and adds `seq_label`; the finding's ULID stays the stable id.

use super::finding::{Finding, field};
use super::op::{Change, EntityKind, Value};

/// How a 序号 is shown: the number, then one apostrophe per finding of the same session that
/// holds the number before this one (`rank`).
pub fn seq_label(seq: i64, rank: u32) -> String {
    let mut label = seq.to_string();
    label.extend(std::iter::repeat_n('\'', rank as usize));
    label
}

impl Finding {
    /// The 序号 as every screen, command and report shows it (see the module doc).
    pub fn seq_label(&self) -> String {
        seq_label(self.seq, self.seq_rank)
    }
}

/// Sets `seq_rank` on findings that may come from many sessions: within each session, the
/// findings sharing a number are ranked by the op that set it, then by id. Every finding of
/// a session must be present, deleted ones included, or ranks come out wrong. The order of
/// `findings` is kept.
pub fn rank_seqs(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| {
        let f = &findings[i];
        (f.session_id, f.seq, f.seq_origin, f.id)
    });
    let mut previous: Option<(u128, i64)> = None;
    let mut rank = 0;
    for i in order {
        let key = (findings[i].session_id, findings[i].seq);
        rank = if previous == Some(key) { rank + 1 } else { 0 };
        previous = Some(key);
        findings[i].seq_rank = rank;
    }
}

/// The ops that make every label of one session plain again: each finding not deleted and
/// shown with a mark gets the next free number (after the highest held, deleted findings
/// included), in the order of their labels. Empty when nothing needs it. `findings` must be
/// the session's findings, ranked.
pub fn renumber_changes(findings: &[Finding]) -> Vec<Change> {
    let mut next = findings.iter().map(|f| f.seq).max().unwrap_or(0);
    let mut marked: Vec<&Finding> = findings.iter().filter(|f| f.seq_rank > 0 && !f.deleted).collect();
    marked.sort_by_key(|f| (f.seq, f.seq_rank));
    marked
        .into_iter()
        .map(|f| {
            next += 1;
            Change::set(EntityKind::Finding, f.id, field::SEQ, Value::Int(next))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::op::{Hlc, OpId, ReplicaId};

    fn finding(id: u128, session: u128, seq: i64, wall_ms: u64, replica: u128) -> Finding {
        let mut f = Finding::blank(session);
        f.id = id;
        f.seq = seq;
        f.seq_origin = Some((Hlc { wall_ms, counter: 0 }, OpId { replica: ReplicaId::from_u128(replica), seq: 1 }));
        f
    }

    fn labels(fs: &[Finding]) -> Vec<String> {
        fs.iter().map(Finding::seq_label).collect()
    }

    #[test]
    fn the_earlier_number_stays_bare_and_later_ones_are_marked() {
        let mut fs = vec![
            finding(1, 7, 3, 500, 2),
            finding(2, 7, 3, 100, 9),
            finding(3, 7, 4, 50, 1),
            finding(4, 8, 3, 900, 1),
            finding(5, 7, 3, 500, 1),
        ];
        rank_seqs(&mut fs);
        assert_eq!(labels(&fs), ["3''", "3", "4", "3", "3'"]);
    }

    #[test]
    fn ranks_do_not_depend_on_the_order_of_the_list() {
        let mut fs = vec![finding(1, 7, 3, 500, 2), finding(2, 7, 3, 100, 9), finding(5, 7, 3, 500, 1)];
        rank_seqs(&mut fs);
        let mut reversed: Vec<Finding> = fs.iter().rev().cloned().collect();
        rank_seqs(&mut reversed);
        reversed.reverse();
        assert_eq!(labels(&fs), labels(&reversed));
    }

    #[test]
    fn renumbering_gives_marked_findings_the_next_free_numbers() {
        let mut fs = vec![finding(1, 7, 3, 100, 1), finding(2, 7, 3, 200, 2), finding(3, 7, 5, 0, 1)];
        let mut gone = finding(4, 7, 3, 300, 3);
        gone.deleted = true;
        fs.push(gone);
        rank_seqs(&mut fs);
        let changes = renumber_changes(&fs);
        assert_eq!(changes, vec![Change::set(EntityKind::Finding, 2, field::SEQ, Value::Int(6))]);
        assert!(renumber_changes(&[finding(1, 7, 1, 0, 1)]).is_empty());
    }
}
