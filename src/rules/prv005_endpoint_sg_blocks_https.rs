use super::{Findings, Rule, RuleMeta};
use crate::finding::Severity;
use crate::model::Model;

pub struct EndpointSgBlocksHttps;

static META: RuleMeta = RuleMeta {
    id: "",
    name: "",
    summary: "",
    severity: Severity::Error,
    default_on: true,
    docs: "",
};

impl Rule for EndpointSgBlocksHttps {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, _model: &Model, _out: &mut Findings) {}
}
