//! The one list of rules.

use super::Rule;
use super::prv001_private_api_missing_policy::PrivateApiMissingPolicy;
use super::prv003_endpoint_private_dns_disabled::EndpointPrivateDnsDisabled;
use super::prv004_vpc_dns_disabled::VpcDnsDisabled;
use super::prv005_endpoint_sg_blocks_https::EndpointSgBlocksHttps;
use super::prv014_execute_api_endpoint_not_interface::ExecuteApiEndpointNotInterface;

pub static RULES: &[&dyn Rule] = &[
    &PrivateApiMissingPolicy,
    &EndpointPrivateDnsDisabled,
    &VpcDnsDisabled,
    &EndpointSgBlocksHttps,
    &ExecuteApiEndpointNotInterface,
];

/// Find a rule by id (case-insensitive).
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().id.eq_ignore_ascii_case(id))
}
