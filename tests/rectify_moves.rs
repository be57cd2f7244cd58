//! Every status move on a real store: the 7 allowed forward moves, the 42 forbidden ones and
//! reopening from each status, through `rectify::changes` + `Store::apply` as the TUI and CLI
//! make them. A refused move must leave the store exactly as it was.

use crate::rectify_fixtures::{DAY_MS, Desk, T0, day, request};
use tiyan::domain::FindingStatus::{self, *};
use tiyan::domain::ledger::fixed_on_the_spot;
use tiyan::domain::rectify::{Assignment, MoveError, MoveRequest, Needed};

/// The rules, written out by hand (not read from `rectify::targets`), so a change to them
/// fails here.
const ALLOWED: [(FindingStatus, FindingStatus); 7] = [
    (Found, Confirmed),
    (Found, NotAProblem),
    (Found, Rectified),
    (Confirmed, Assigned),
    (Assigned, Rectifying),
    (Rectifying, Rectified),
    (Rectified, Closed),
];

const DEADLINE: &str = "2026-12-01";
const UNIT: &str = "县医保局";

fn allowed_from(from: FindingStatus) -> Vec<FindingStatus> {
    ALLOWED.iter().filter(|(f, _)| *f == from).map(|(_, t)| *t).collect()
}

/// A request carrying every field any move could want, by 王五 (who rectified nothing).
fn full_request(to: FindingStatus) -> MoveRequest {
    let mut req = MoveRequest::new(to, "王五");
    req.note = "督查科复核".into();
    req.evidence = "已在大厅张贴办事指南".into();
    req.assignment = Assignment {
        unit: UNIT.into(),
        deadline: Some(day(DEADLINE)),
        measure: "增设医保综合窗口".into(),
        target: "群众等候不超过20分钟".into(),
        standard: "高峰时段开足窗口".into(),
        owner: "赵科长".into(),
    };
    req
}

/// A new finding taken to `status` along the usual road.
fn finding_at(desk: &mut Desk, status: FindingStatus) -> u128 {
    let session = desk.session("医保报销", "medical_insurance", T0);
    let id = desk.finding(session, 1, "医保报销窗口只开一个，群众排队超过一小时", T0);
    desk.bring_to(id, status, UNIT, DEADLINE, T0 + 60_000);
    assert_eq!(desk.read(id).status, status);
    id
}

#[test]
fn every_allowed_move_sets_its_fields_and_history() {
    let today = day("2026-11-25");
    let at = T0 + 5 * DAY_MS;
    for (from, to) in ALLOWED {
        let mut desk = Desk::new();
        let id = finding_at(&mut desk, from);
        let before = desk.read(id);
        // The full request carries more than some moves use: the rules write only their part.
        desk.step(id, &full_request(to), at, today);
        let f = desk.read(id);
        assert_eq!(f.status, to, "{from:?} -> {to:?}");
        assert_eq!(f.moves.len(), before.moves.len() + 1, "{from:?} -> {to:?}: one history entry");
        assert_eq!(f.moves[..before.moves.len()], before.moves[..], "earlier history kept");
        let m = f.moves.last().unwrap();
        assert_eq!((m.from.as_str(), m.to.as_str()), (from.code(), to.code()));
        assert_eq!((m.by.as_str(), m.at_ms, m.note.as_str(), m.reopen), ("王五", at, "督查科复核", false));
        let assigned = to == Assigned;
        let rectified = to == Rectified;
        assert_eq!(m.evidence, if rectified { "已在大厅张贴办事指南" } else { "" }, "{from:?} -> {to:?}");
        if assigned {
            let details: Vec<(&str, &str)> = m.details.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            assert_eq!(
                details,
                vec![
                    ("unit", UNIT),
                    ("measure", "增设医保综合窗口"),
                    ("deadline", DEADLINE),
                    ("target", "群众等候不超过20分钟"),
                    ("standard", "高峰时段开足窗口"),
                    ("owner", "赵科长"),
                ]
            );
            assert_eq!(
                (f.unit.as_str(), f.deadline, f.measure.as_str()),
                (UNIT, Some(day(DEADLINE)), "增设医保综合窗口")
            );
            assert_eq!(
                (f.target.as_str(), f.standard.as_str(), f.owner.as_str()),
                ("群众等候不超过20分钟", "高峰时段开足窗口", "赵科长")
            );
        } else {
            assert!(m.details.is_empty(), "{from:?} -> {to:?}: {:?}", m.details);
            assert_eq!((&f.unit, &f.owner, f.deadline), (&before.unit, &before.owner, before.deadline));
        }
        if rectified {
            assert_eq!(
                (f.evidence.as_str(), f.rectified_by.as_str(), f.rectified_on),
                ("已在大厅张贴办事指南", "王五", Some(today))
            );
        } else {
            assert_eq!(
                (&f.evidence, &f.rectified_by, f.rectified_on),
                (&before.evidence, &before.rectified_by, before.rectified_on)
            );
        }
        if to == Closed {
            assert_eq!((f.closed_by.as_str(), f.closed_on), ("王五", Some(today)));
        } else {
            assert_eq!((f.closed_by.as_str(), f.closed_on), ("", None));
        }
    }
}

#[test]
fn every_forbidden_move_is_refused_and_writes_nothing() {
    let mut forbidden = 0;
    for from in FindingStatus::ALL {
        let mut desk = Desk::new();
        let id = finding_at(&mut desk, from);
        for to in FindingStatus::ALL {
            if ALLOWED.contains(&(from, to)) {
                continue;
            }
            forbidden += 1;
            let before = desk.snapshot();
            let err = desk.apply(id, &full_request(to), T0 + DAY_MS, day("2026-11-21")).unwrap_err();
            let reopen = match from {
                Rectified | Closed => Some(Rectifying),
                _ => None,
            };
            assert_eq!(
                err,
                MoveError::NotAllowed { from, to, allowed: allowed_from(from), reopen },
                "{from:?} -> {to:?}"
            );
            assert_eq!(desk.snapshot(), before, "{from:?} -> {to:?} left the store as it was");
        }
    }
    assert_eq!(forbidden, 49 - 7);
}

#[test]
fn reopening_from_each_status() {
    for from in FindingStatus::ALL {
        let mut desk = Desk::new();
        let id = finding_at(&mut desk, from);
        let mut req = MoveRequest::new(Found, "王五");
        req.reopen = true;
        req.note = "回访发现窗口仍只开一个".into();
        let before = desk.snapshot();
        let result = desk.apply(id, &req, T0 + 9 * DAY_MS, day("2026-11-29"));
        match from {
            Rectified | Closed => {
                result.unwrap();
                let f = desk.read(id);
                assert_eq!(f.status, Rectifying, "a unit was assigned: back to rectifying");
                assert_eq!((f.closed_by.as_str(), f.closed_on), ("", None), "the close-off no longer holds");
                let m = f.moves.last().unwrap();
                assert!(m.reopen);
                assert_eq!(
                    (m.from.as_str(), m.to.as_str(), m.note.as_str()),
                    (from.code(), "rectifying", "回访发现窗口仍只开一个")
                );
                // The history still says who rectified and who closed, and when.
                assert!(f.moves.iter().any(|m| m.to == "rectified" && m.by == "张三"));
                assert_eq!(f.moves.iter().any(|m| m.to == "closed" && m.by == "李四"), from == Closed);
            }
            _ => {
                assert_eq!(result, Err(MoveError::CannotReopen { from }), "{from:?}");
                assert_eq!(desk.snapshot(), before);
            }
        }
    }
}

#[test]
fn reopening_without_a_unit_goes_back_to_be_assigned_and_needs_a_note() {
    let mut desk = Desk::new();
    let session = desk.session("不动产登记", "real_estate", T0);
    let id = desk.finding(session, 1, "自助机无法打印不动产权证明", T0);
    let mut fix = request(Rectified, "", DEADLINE);
    fix.evidence = "已更换打印机硒鼓".into();
    desk.step(id, &fix, T0 + 60_000, day("2026-11-20"));
    desk.step(id, &request(Closed, "", DEADLINE), T0 + DAY_MS, day("2026-11-21"));

    let mut req = MoveRequest::new(Found, "李四");
    req.reopen = true;
    let before = desk.snapshot();
    assert_eq!(desk.apply(id, &req, T0 + 2 * DAY_MS, day("2026-11-22")), Err(MoveError::Missing(Needed::Note)));
    assert_eq!(desk.snapshot(), before);
    req.note = "复查时自助机仍然无法打印".into();
    desk.step(id, &req, T0 + 2 * DAY_MS, day("2026-11-22"));
    let f = desk.read(id);
    assert_eq!(f.status, Confirmed);
    assert_eq!((f.closed_by.as_str(), f.closed_on), ("", None));
    assert_eq!(f.moves.iter().map(|m| m.to.as_str()).collect::<Vec<_>>(), ["rectified", "closed", "confirmed"]);
}

#[test]
fn each_move_refuses_what_it_needs_missing_and_writes_nothing() {
    let cases: [(FindingStatus, MoveRequest, Needed); 6] = [
        (Found, MoveRequest::new(Confirmed, "  "), Needed::By),
        (Found, MoveRequest::new(NotAProblem, "张三"), Needed::Note),
        (Found, MoveRequest::new(Rectified, "张三"), Needed::Evidence),
        (Confirmed, MoveRequest::new(Assigned, "张三"), Needed::Unit),
        (
            Confirmed,
            {
                let mut r = MoveRequest::new(Assigned, "张三");
                r.assignment.unit = UNIT.into();
                r
            },
            Needed::Deadline,
        ),
        (
            Confirmed,
            {
                let mut r = MoveRequest::new(Assigned, "张三");
                r.assignment.unit = UNIT.into();
                r.assignment.deadline = Some(day(DEADLINE));
                r
            },
            Needed::Measure,
        ),
    ];
    for (from, req, needed) in cases {
        let mut desk = Desk::new();
        let id = finding_at(&mut desk, from);
        let before = desk.snapshot();
        assert_eq!(desk.apply(id, &req, T0 + DAY_MS, day("2026-11-21")), Err(MoveError::Missing(needed)));
        assert_eq!(desk.snapshot(), before, "{needed:?}");
    }
}

#[test]
fn close_off_needs_someone_other_than_who_rectified() {
    let mut desk = Desk::new();
    let id = finding_at(&mut desk, Rectified);
    assert_eq!(desk.read(id).rectified_by, "张三");
    let before = desk.snapshot();
    for same in ["张三", " 张三 ", "张 三", "\t张三\n"] {
        let err = desk.apply(id, &MoveRequest::new(Closed, same), T0 + DAY_MS, day("2026-11-21")).unwrap_err();
        assert_eq!(err, MoveError::SameCloser { name: same.trim().to_string() }, "{same:?}");
        assert_eq!(desk.snapshot(), before);
    }
    desk.step(id, &MoveRequest::new(Closed, "李四"), T0 + 2 * DAY_MS, day("2026-11-22"));
    let f = desk.read(id);
    assert_eq!((f.status, f.closed_by.as_str(), f.closed_on), (Closed, "李四", Some(day("2026-11-22"))));
    assert_eq!(f.rectified_by, "张三", "who rectified is kept");
}

#[test]
fn close_off_compares_names_without_case_or_spaces() {
    let mut desk = Desk::new();
    let session = desk.session("企业开办", "market_access", T0);
    let id = desk.finding(session, 1, "企业开办一窗通系统登录慢", T0);
    let mut fix = MoveRequest::new(Rectified, "Zhang San");
    fix.evidence = "系统已扩容".into();
    desk.step(id, &fix, T0, day("2026-11-20"));
    let before = desk.snapshot();
    for same in ["zhang san", "ZHANG  SAN", "zhangsan"] {
        let err = desk.apply(id, &MoveRequest::new(Closed, same), T0 + DAY_MS, day("2026-11-21")).unwrap_err();
        assert!(matches!(err, MoveError::SameCloser { .. }), "{same}: {err:?}");
    }
    assert_eq!(desk.snapshot(), before);
    desk.step(id, &MoveRequest::new(Closed, "Li Si"), T0 + DAY_MS, day("2026-11-21"));
    assert_eq!(desk.read(id).closed_by, "Li Si");
}

#[test]
fn after_reopening_the_last_rectifier_may_not_close_but_the_first_may() {
    let mut desk = Desk::new();
    let id = finding_at(&mut desk, Closed);
    let mut reopen = MoveRequest::new(Found, "李四");
    reopen.reopen = true;
    reopen.note = "回访仍有群众反映排队久".into();
    desk.step(id, &reopen, T0 + 3 * DAY_MS, day("2026-11-23"));
    let mut fix = MoveRequest::new(Rectified, "王五");
    fix.evidence = "再增设一个窗口".into();
    desk.step(id, &fix, T0 + 4 * DAY_MS, day("2026-11-24"));
    assert!(matches!(
        desk.apply(id, &MoveRequest::new(Closed, "王五"), T0 + 5 * DAY_MS, day("2026-11-25")),
        Err(MoveError::SameCloser { .. })
    ));
    desk.step(id, &MoveRequest::new(Closed, "张三"), T0 + 5 * DAY_MS, day("2026-11-25"));
    let f = desk.read(id);
    assert_eq!((f.status, f.closed_by.as_str(), f.rectified_by.as_str()), (Closed, "张三", "王五"));
    let road: Vec<(&str, bool)> = f.moves.iter().map(|m| (m.to.as_str(), m.reopen)).collect();
    assert_eq!(
        road,
        [
            ("confirmed", false),
            ("assigned", false),
            ("rectifying", false),
            ("rectified", false),
            ("closed", false),
            ("rectifying", true),
            ("rectified", false),
            ("closed", false)
        ]
    );
}

#[test]
fn fixed_on_the_spot_then_closed_by_someone_else() {
    let mut desk = Desk::new();
    let session = desk.session("社保卡申领", "employment", T0);
    let id = desk.finding(session, 1, "窗口未一次性告知所需材料", T0);
    let mut fix = MoveRequest::new(Rectified, "张三");
    fix.evidence = "当场补发一次性告知单，群众当日办结".into();
    desk.step(id, &fix, T0 + 600_000, day("2026-11-20"));
    let f = desk.read(id);
    assert!(fixed_on_the_spot(&f));
    assert_eq!((f.status, f.rectified_by.as_str(), f.rectified_on), (Rectified, "张三", Some(day("2026-11-20"))));
    assert_eq!(f.evidence, "当场补发一次性告知单，群众当日办结");
    assert!(f.unit.is_empty() && f.deadline.is_none(), "no assignment on the spot");
    desk.step(id, &MoveRequest::new(Closed, "李四"), T0 + DAY_MS, day("2026-11-21"));
    let f = desk.read(id);
    assert_eq!((f.status, f.closed_by.as_str()), (Closed, "李四"));
    assert!(fixed_on_the_spot(&f), "still counted as fixed on the spot once closed");

    // The usual road is not 立行立改.
    let other = finding_at(&mut desk, Closed);
    assert!(!fixed_on_the_spot(&desk.read(other)));
}
