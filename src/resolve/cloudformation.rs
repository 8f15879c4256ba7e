//! CloudFormation intrinsics and parameters -> resolved resources.
