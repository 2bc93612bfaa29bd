//! What a column is for: names that sound like ids or outcomes (in English and Chinese),
//! yes/no words, and the role suggested for each column.

use super::profile::{CategoryCount, ColumnProfile};
use super::{ColumnKind, Role};

pub(crate) const TRUE_WORDS: [&str; 10] = [
    "yes", "y", "true", "t", "1", "是", "有", "on", "positive", "pos",
];
pub(crate) const FALSE_WORDS: [&str; 10] = [
    "no", "n", "false", "f", "0", "否", "无", "off", "negative", "neg",
];

/// Whether the values are a yes/no pair (or just one side of one).
pub(crate) fn is_boolean_pair(top: &[CategoryCount]) -> bool {
    let word = |s: &str| s.trim().to_lowercase();
    let is_true = |s: &str| TRUE_WORDS.contains(&word(s).as_str());
    let is_false = |s: &str| FALSE_WORDS.contains(&word(s).as_str());
    match top {
        [a] => is_true(&a.value) || is_false(&a.value),
        [a, b] => {
            (is_true(&a.value) && is_false(&b.value)) || (is_false(&a.value) && is_true(&b.value))
        }
        _ => false,
    }
}

fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        // split camelCase: customerId -> customer, id
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub(crate) fn is_id_name(name: &str) -> bool {
    name.contains("编号")
        || words(name).iter().any(|w| {
            matches!(
                w.as_str(),
                "id" | "key" | "uuid" | "guid" | "code" | "no" | "number"
            )
        })
}

const TARGET_WORDS: [&str; 24] = [
    "churn",
    "churned",
    "label",
    "target",
    "converted",
    "conversion",
    "convert",
    "response",
    "responded",
    "respond",
    "purchase",
    "purchased",
    "bought",
    "clicked",
    "click",
    "outcome",
    "attrition",
    "attrited",
    "subscribed",
    "subscription",
    "retained",
    "default",
    "exited",
    "y",
];
const TARGET_WORDS_ZH: [&str; 6] = ["流失", "转化", "响应", "购买", "是否", "成交"];

/// Whether a column name sounds like an outcome to predict.
pub fn is_target_name(name: &str) -> bool {
    TARGET_WORDS_ZH.iter().any(|w| name.contains(w))
        || words(name)
            .iter()
            .any(|w| TARGET_WORDS.contains(&w.as_str()))
}

/// Fill in `role` for every profile: ids, dates, one target, features, the rest ignored.
pub fn suggest_roles(profiles: &mut [ColumnProfile]) {
    let mut have_target = false;
    for p in profiles.iter_mut() {
        p.role = match p.kind {
            ColumnKind::Id => Role::Id,
            ColumnKind::Date => Role::Date,
            ColumnKind::Text => Role::Ignore,
            _ if p.unique <= 1 => Role::Ignore,
            ColumnKind::Boolean | ColumnKind::Categorical
                if !have_target && p.unique <= 10 && is_target_name(&p.name) =>
            {
                have_target = true;
                Role::Target
            }
            _ => Role::Feature,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_target_name("churn"));
        assert!(is_target_name("Purchase"));
        assert!(is_target_name("has_responded") || is_target_name("responded"));
        assert!(is_target_name("是否流失"));
        assert!(!is_target_name("monetary"));
        assert!(is_id_name("customer_id"));
        assert!(is_id_name("customerId"));
        assert!(is_id_name("门店编号"));
        assert!(!is_id_name("video_count"));
        assert!(is_id_name("CustomerID"));
        assert!(!is_id_name("AMOUNT_PAID"));
    }
}
