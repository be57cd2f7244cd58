//! 体验报告: one per session walked, following seed 003's 附件2 section by section (一 to 六),
//! then its signature block. A section with nothing recorded says 无 in one line; none is left
//! out.

use chrono::NaiveDate;

use super::{Block, Cell, Doc, Table};
use crate::domain::waits::WaitStats;
use crate::domain::{Answer, Checklist, Finding, FindingStatus, Session};
use crate::i18n::Lang;
use crate::present::labels;
use crate::vocab::ChoiceList;

/// What a session's report is made from, read from the store by the caller.
pub struct SessionFacts<'a> {
    /// The unit the report is from (「×××单位」): the office's name, or as given.
    pub unit: &'a str,
    pub session: &'a Session,
    /// Its findings, deleted ones left out, by 序号.
    pub findings: &'a [Finding],
    pub checklists: &'a [Checklist],
    /// The queue figures of its tickets (none taken: None).
    pub waits: Option<&'a WaitStats>,
    /// 事项办理全过程 as the stage stopwatch tells it ("" when no stage was marked).
    pub walk: &'a str,
    /// The day the walk was made, in the user's zone.
    pub day: NaiveDate,
}

const NONE: &str = "无";

pub fn report(f: &SessionFacts<'_>, figures: Vec<super::figures::Figure>) -> Doc {
    let s = f.session;
    let lang = Lang::Zh;
    let shown = |list: ChoiceList, stored: &str| list.display(stored, lang);
    let mut blocks = Vec::new();
    let mut section = |head: &str, body: Vec<Block>| {
        blocks.push(Block::Heading(head.to_string()));
        if body.is_empty() { blocks.push(Block::Para(NONE.into())) } else { blocks.extend(body) }
    };

    let mut what = vec![format!("体验事项：{}", or_none(&s.item))];
    what.push(format!("体验方式：{}", or_none(&shown(ChoiceList::Modes, &s.mode))));
    what.push(format!("办理渠道：{}", or_none(&shown(ChoiceList::Channels, &s.channel))));
    what.push(format!("体验主题：{}", or_none(&shown(ChoiceList::Themes, &s.theme))));
    let place = [s.place.as_str(), s.window.as_str()].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>();
    what.push(format!("体验地点：{}", or_none(&place.join(" "))));
    what.push(format!("体验时间：{}", chinese_date(f.day)));
    section("一、体验事项", vec![Block::Para(what.join("\n"))]);

    let people = match s.inspectors.split_first() {
        None => vec![],
        Some((lead, rest)) => {
            let mut lines = vec![format!("{lead}（带队）")];
            lines.extend(rest.iter().map(|n| format!("{n}（体验人员）")));
            vec![Block::Para(lines.join("、"))]
        }
    };
    section("二、体验人员", people);

    let mut process = Vec::new();
    if !f.walk.trim().is_empty() {
        process.push(Block::Para(f.walk.trim().to_string()));
    }
    if let Some(w) = f.waits.filter(|w| w.tickets > 0) {
        process.push(Block::Para(queue_text(w)));
    }
    for c in f.checklists.iter().filter(|c| !c.deleted) {
        process.push(Block::Para(format!("对照《{}》逐项体验：", c.template.title.zh)));
        process.push(Block::Table(checklist_table(c)));
    }
    section("三、事项办理全过程", process);

    let problems = if f.findings.is_empty() { vec![] } else { vec![Block::Table(findings_table(f.findings))] };
    section("四、堵点难点问题", problems);

    let mut measures: Vec<String> = f
        .findings
        .iter()
        .filter(|x| !x.measure.trim().is_empty() && x.status != FindingStatus::NotAProblem)
        .map(|x| format!("{}. {}", x.seq_label(), x.measure.trim()))
        .collect();
    if !s.measures.trim().is_empty() {
        measures.push(s.measures.trim().to_string());
    }
    section("五、优化措施", measures.into_iter().map(Block::Para).collect());

    let advice = if s.advice.trim().is_empty() { vec![] } else { vec![Block::Para(s.advice.trim().to_string())] };
    section("六、工作建议", advice);

    // The template's signature block, as it is laid out.
    blocks.push(Block::Right(vec![
        "主要负责人（签字）：            ".into(),
        "单位（盖章）：            ".into(),
        "    年    月    日".into(),
    ]));
    // The activity photos and scans follow the signature, as papers sent with a report do.
    if !figures.is_empty() {
        blocks.push(Block::PageBreak);
        blocks.push(Block::Heading("附件：活动图片及扫描件".into()));
        blocks.extend(figures.into_iter().map(|f| Block::Figure(Box::new(f))));
    }
    Doc { title: format!("{}“我陪群众走流程”政务服务体验活动报告", or_unit(f.unit)), blocks }
}

fn or_none(text: &str) -> String {
    if text.trim().is_empty() { NONE.to_string() } else { text.trim().to_string() }
}

/// The unit, or the template's blank for one.
fn or_unit(unit: &str) -> String {
    if unit.trim().is_empty() { "×××单位".to_string() } else { unit.trim().to_string() }
}

pub fn chinese_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn queue_text(w: &WaitStats) -> String {
    let minutes = |secs: Option<i64>| secs.map(|s| format!("{} 分钟", (s + 30) / 60)).unwrap_or_else(|| "—".into());
    let mut text = format!(
        "排队等候：取号 {} 张，已叫号 {} 张，等候时间中位数 {}、90% 在 {} 以内",
        w.tickets,
        w.count,
        minutes(w.median_secs),
        minutes(w.p90_secs)
    );
    if let Some(share) = w.over_threshold_share {
        text.push_str(&format!("，超过等候时限的占 {}", crate::text::percent(Some(share))));
    }
    text.push_str(&format!("；未办理即离开 {} 人", w.left));
    if w.waiting > 0 {
        text.push_str(&format!("，仍在等候 {} 人", w.waiting));
    }
    text.push('。');
    text
}

/// Per dimension: items met, not met and not answered (a score or a count is answered but
/// neither), the rate of those met among those judged, and the items not met named.
fn checklist_table(c: &Checklist) -> Table {
    let rows = c
        .template
        .dimensions
        .iter()
        .map(|d| {
            let answers: Vec<(&str, Option<&Answer>)> =
                d.items.iter().map(|i| (i.text.as_str(), c.answers.get(&i.id))).collect();
            let passed = answers.iter().filter(|(_, a)| matches!(a, Some(Answer::Pass | Answer::Yes))).count();
            let failed: Vec<&str> =
                answers.iter().filter(|(_, a)| matches!(a, Some(Answer::Fail | Answer::No))).map(|(t, _)| *t).collect();
            let judged = passed + failed.len();
            let unanswered = answers.iter().filter(|(_, a)| a.is_none()).count();
            let rate = (passed * 100).checked_div(judged).map(|r| format!("{r}%")).unwrap_or_else(|| "—".into());
            vec![
                Cell::Text(d.title.zh.clone()),
                Cell::Int(d.items.len() as i64),
                Cell::Int(passed as i64),
                Cell::Int(failed.len() as i64),
                Cell::Int(unanswered as i64),
                Cell::Text(rate),
                Cell::Text(if failed.is_empty() { NONE.into() } else { failed.join("；") }),
            ]
        })
        .collect();
    Table {
        name: String::new(),
        header: ["维度", "项数", "符合", "不符合", "未答", "符合率", "不符合项"].map(String::from).to_vec(),
        widths: vec![8, 4, 4, 5, 4, 5, 18],
        rows,
    }
}

fn findings_table(findings: &[Finding]) -> Table {
    let lang = Lang::Zh;
    let rows = findings
        .iter()
        .map(|x| {
            vec![
                Cell::Text(x.seq_label()),
                Cell::Text(x.description.clone()),
                Cell::Text(ChoiceList::Categories.display(&x.category, lang)),
                Cell::Text(labels::severity(lang, &x.severity)),
                Cell::Text(or_none(&x.unit)),
                Cell::Text(labels::finding_status(lang, x.status).to_string()),
            ]
        })
        .collect();
    Table {
        name: String::new(),
        header: ["序号", "问题描述", "类别", "严重程度", "责任单位", "状态"].map(String::from).to_vec(),
        widths: vec![4, 22, 6, 6, 10, 6],
        rows,
    }
}
