//! The one list of rules, in id order.

use super::Rule;
use super::prv001_private_api_missing_policy::PrivateApiMissingPolicy;
use super::prv002_private_api_policy_unscoped::PrivateApiPolicyUnscoped;
use super::prv003_endpoint_private_dns_disabled::EndpointPrivateDnsDisabled;
use super::prv004_vpc_dns_disabled::VpcDnsDisabled;
use super::prv005_endpoint_sg_blocks_https::EndpointSgBlocksHttps;
use super::prv006_endpoint_sg_open_to_world::EndpointSgOpenToWorld;
use super::prv007_endpoint_single_az::EndpointSingleAz;
use super::prv008_policy_names_wrong_endpoint::PolicyNamesWrongEndpoint;
use super::prv009_deployment_without_redeploy_trigger::DeploymentWithoutRedeployTrigger;
use super::prv010_vpc_link_target_not_nlb::VpcLinkTargetNotNlb;
use super::prv011_vpc_link_integration_incomplete::VpcLinkIntegrationIncomplete;
use super::prv012_endpoint_policy_full_access::EndpointPolicyFullAccess;
use super::prv013_vpce_condition_on_public_api::VpceConditionOnPublicApi;
use super::prv014_execute_api_endpoint_not_interface::ExecuteApiEndpointNotInterface;

pub static RULES: &[&dyn Rule] = &[
    &PrivateApiMissingPolicy,
    &PrivateApiPolicyUnscoped,
    &EndpointPrivateDnsDisabled,
    &VpcDnsDisabled,
    &EndpointSgBlocksHttps,
    &EndpointSgOpenToWorld,
    &EndpointSingleAz,
    &PolicyNamesWrongEndpoint,
    &DeploymentWithoutRedeployTrigger,
    &VpcLinkTargetNotNlb,
    &VpcLinkIntegrationIncomplete,
    &EndpointPolicyFullAccess,
    &VpceConditionOnPublicApi,
    &ExecuteApiEndpointNotInterface,
];

/// Find a rule by id (case-insensitive).
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().id.eq_ignore_ascii_case(id))
}
