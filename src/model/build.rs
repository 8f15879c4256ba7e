//! The one place Terraform and CloudFormation names map to the model's fields.

use super::Model;
use crate::resolve::RawResource;

pub fn build(_resources: &[RawResource]) -> Model {
    Model::default()
}
