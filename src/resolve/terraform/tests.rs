use std::path::Path;

use super::*;
use crate::resolve::{Node, RawResource, TemplatePart, Val};
use crate::source::{FileId, Span};

/// A module directory with the given files; ids follow the order given.
struct Fixture {
    dir: tempfile::TempDir,
    files: Vec<FoundFile>,
}

fn fixture(files: &[(&str, &str)]) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let files = files
        .iter()
        .enumerate()
        .map(|(i, (name, text))| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            FoundFile {
                id: FileId(i as u32),
                path,
                explicit: false,
            }
        })
        .collect();
    Fixture { dir, files }
}

impl Fixture {
    /// A file outside the module (a `--var-file`), with the next free id.
    fn var_file(&self, name: &str, text: &str, id: u32) -> FoundFile {
        let path = self.dir.path().join("vars").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        FoundFile {
            id: FileId(id),
            path,
            explicit: true,
        }
    }

    fn load(&self) -> UnitOutput {
        load_module(self.dir.path(), &self.files, &TfInputs::default())
    }
}

fn resource<'a>(out: &'a UnitOutput, address: &str) -> &'a RawResource {
    out.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address} in {:?}", addresses(out)))
}

fn addresses(out: &UnitOutput) -> Vec<&str> {
    out.resources.iter().map(|r| r.address.as_str()).collect()
}

fn attr<'a>(out: &'a UnitOutput, address: &str, key: &str) -> &'a Node {
    &resource(out, address)
        .get(key)
        .unwrap_or_else(|| panic!("{address} has no {key}"))
        .value
}

/// The source text a span covers.
fn text(out: &UnitOutput, span: Span) -> &str {
    let file = out.files.iter().find(|f| f.id == span.file).unwrap();
    &file.text[span.start..span.end]
}

/// A compact rendering of a value without spans: `?` unknown, `ref(a.b.c)`, `tpl(...)`.
fn show(node: &Node) -> String {
    match &node.val {
        Val::Null => "null".into(),
        Val::Bool(b) => b.to_string(),
        Val::Number(n) => n.to_string(),
        Val::Str(s) => format!("{s:?}"),
        Val::List(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Val::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!("{}: {}", e.key, show(&e.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Val::Ref(r) => format!("ref({}.{})", r.target, r.attribute.as_deref().unwrap_or("")),
        Val::Template(parts) => format!(
            "tpl({})",
            parts
                .iter()
                .map(|p| match p {
                    TemplatePart::Lit(s) => format!("{s:?}"),
                    TemplatePart::Ref(r) => {
                        format!("ref({}.{})", r.target, r.attribute.as_deref().unwrap_or(""))
                    }
                    TemplatePart::Unknown => "?".into(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Val::Unknown => "?".into(),
    }
}

const VPC_VARS: &str = r#"
variable "cidr" {
  default = "10.0.0.0/16"
}
variable "region" {}
variable "dns" {
  type    = bool
  default = false
}
variable "ports" {
  type    = list(number)
  default = [80]
}
resource "aws_vpc" "main" {
  cidr_block           = var.cidr
  enable_dns_hostnames = var.dns
  tags = {
    ports = var.ports
  }
}
"#;

#[test]
fn resource_header_span_address_and_kind() {
    let fx = fixture(&[("main.tf", VPC_VARS)]);
    let out = fx.load();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.files_seen, 1);
    assert_eq!(out.files.len(), 1);
    let vpc = resource(&out, "aws_vpc.main");
    assert_eq!(vpc.kind, "aws_vpc");
    assert_eq!(vpc.lang, crate::resolve::Lang::Terraform);
    assert_eq!(text(&out, vpc.header), r#"resource "aws_vpc" "main""#);
    assert!(text(&out, vpc.span).starts_with("resource \"aws_vpc\" \"main\" {"));
    assert!(text(&out, vpc.span).ends_with('}'));
    let keys: Vec<&str> = vpc.body.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["cidr_block", "enable_dns_hostnames", "tags"]);
    let cidr = vpc.get("cidr_block").unwrap();
    assert_eq!(text(&out, cidr.key_span), "cidr_block");
    // Re-spanned to the referencing expression, not the default.
    assert_eq!(text(&out, cidr.value.span), "var.cidr");
    assert_eq!(show(&cidr.value), r#""10.0.0.0/16""#);
    assert_eq!(text(&out, cidr.span()), "cidr_block           = var.cidr");
}

#[test]
fn tfvars_override_default_and_auto_tfvars_apply_in_name_order() {
    let fx = fixture(&[
        ("main.tf", VPC_VARS),
        (
            "terraform.tfvars",
            "cidr = \"10.1.0.0/16\"\ndns = \"true\"\n",
        ),
        ("b.auto.tfvars", "cidr = \"10.3.0.0/16\"\n"),
        (
            "a.auto.tfvars",
            "cidr = \"10.2.0.0/16\"\nports = [443, 8443]\n",
        ),
    ]);
    let out = fx.load();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.files_seen, 4);
    assert_eq!(
        show(attr(&out, "aws_vpc.main", "cidr_block")),
        r#""10.3.0.0/16""#
    );
    // "true" converted for a bool variable.
    assert_eq!(
        show(attr(&out, "aws_vpc.main", "enable_dns_hostnames")),
        "true"
    );
    let tags = attr(&out, "aws_vpc.main", "tags");
    let ports = &tags.get("ports").unwrap().value;
    assert_eq!(show(ports), "[443, 8443]");
    assert_eq!(text(&out, ports.span), "var.ports");
    // Nested nodes keep the tfvars spans.
    match &ports.val {
        Val::List(items) => assert_eq!(text(&out, items[1].span), "8443"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn var_files_then_vars_take_precedence_in_order() {
    let fx = fixture(&[
        ("main.tf", VPC_VARS),
        ("terraform.tfvars", "cidr = \"10.1.0.0/16\"\n"),
    ]);
    let first = fx.var_file("one.tfvars", "cidr = \"10.4.0.0/16\"\ndns = true\n", 10);
    let second = fx.var_file("two.tfvars", "cidr = \"10.5.0.0/16\"\n", 11);
    let inputs = TfInputs {
        var_files: vec![first, second],
        vars: vec![],
        env_vars: vec![],
        prefilter: false,
    };
    let out = load_module(fx.dir.path(), &fx.files, &inputs);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(
        show(attr(&out, "aws_vpc.main", "cidr_block")),
        r#""10.5.0.0/16""#
    );
    assert_eq!(
        show(attr(&out, "aws_vpc.main", "enable_dns_hostnames")),
        "true"
    );
    // Var files are in `files` so that reporters can show them.
    assert!(out.files.iter().any(|f| f.id == FileId(11)));

    let inputs = TfInputs {
        vars: vec![
            ("cidr".into(), "10.6.0.0/16".into()),
            ("cidr".into(), "10.7.0.0/16".into()),
            ("dns".into(), "false".into()),
            ("ports".into(), "[1, 2]".into()),
            ("undeclared".into(), "x".into()),
        ],
        ..inputs
    };
    let out = load_module(fx.dir.path(), &fx.files, &inputs);
    assert_eq!(
        show(attr(&out, "aws_vpc.main", "cidr_block")),
        r#""10.7.0.0/16""#
    );
    assert_eq!(
        show(attr(&out, "aws_vpc.main", "enable_dns_hostnames")),
        "false"
    );
    let ports = &attr(&out, "aws_vpc.main", "tags")
        .get("ports")
        .unwrap()
        .value;
    assert_eq!(show(ports), "[1, 2]");
    // Command-line values have no file: every node points at the use.
    match &ports.val {
        Val::List(items) => assert_eq!(text(&out, items[0].span), "var.ports"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn variable_without_default_or_value_is_unknown_and_templates_keep_known_parts() {
    let fx = fixture(&[(
        "main.tf",
        r#"
variable "region" {}
resource "aws_vpc_endpoint" "api" {
  service_name = "com.amazonaws.${var.region}.execute-api"
  vpc_id       = aws_vpc.main.id
  cidr         = aws_vpc.main.cidr_block
  whole        = "${var.region}"
  dns_name     = "${aws_vpc.main.id}-x"
  region       = var.region
  missing      = aws_subnet.nowhere.id
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
"#,
    )]);
    let out = fx.load();
    assert_eq!(
        show(attr(&out, "aws_vpc_endpoint.api", "service_name")),
        r#"tpl("com.amazonaws." ? ".execute-api")"#
    );
    assert_eq!(show(attr(&out, "aws_vpc_endpoint.api", "region")), "?");
    assert_eq!(show(attr(&out, "aws_vpc_endpoint.api", "whole")), "?");
    assert_eq!(
        show(attr(&out, "aws_vpc_endpoint.api", "vpc_id")),
        "ref(aws_vpc.main.id)"
    );
    let cidr = attr(&out, "aws_vpc_endpoint.api", "cidr");
    assert_eq!(show(cidr), r#""10.0.0.0/16""#);
    assert_eq!(text(&out, cidr.span), "aws_vpc.main.cidr_block");
    assert_eq!(
        show(attr(&out, "aws_vpc_endpoint.api", "dns_name")),
        r#"tpl(ref(aws_vpc.main.id) "-x")"#
    );
    assert_eq!(show(attr(&out, "aws_vpc_endpoint.api", "missing")), "?");
}

#[test]
fn locals_with_traversals_and_null_attributes() {
    let fx = fixture(&[
        (
            "locals.tf",
            r#"
locals {
  cfg   = { dns = { enabled = true }, azs = ["a", "b"] }
  first = local.cfg.azs[0]
  name  = "svc"
}
"#,
        ),
        (
            "main.tf",
            r#"
resource "aws_subnet" "a" {
  availability_zone = local.first
  second            = local.cfg["azs"][1]
  dns               = local.cfg.dns.enabled
  nothing           = null
  bad_index         = local.cfg.azs[5]
  label             = upper(local.name)
  cond              = local.cfg.dns.enabled ? "on" : "off"
  unknown_cond      = var.x ? 1 : 2
  neg               = -1
  op                = 1 + 2
  forx              = [for s in local.cfg.azs : s]
}
"#,
        ),
    ]);
    let out = fx.load();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let show_attr = |k| show(attr(&out, "aws_subnet.a", k));
    assert_eq!(show_attr("availability_zone"), r#""a""#);
    assert_eq!(show_attr("second"), r#""b""#);
    assert_eq!(show_attr("dns"), "true");
    assert!(resource(&out, "aws_subnet.a").get("nothing").is_none());
    assert_eq!(show_attr("bad_index"), "?");
    assert_eq!(show_attr("label"), r#""SVC""#);
    assert_eq!(show_attr("cond"), r#""on""#);
    assert_eq!(show_attr("unknown_cond"), "?");
    assert_eq!(show_attr("neg"), "-1");
    assert_eq!(show_attr("op"), "3");
    assert_eq!(show_attr("forx"), r#"["a", "b"]"#);
    let az = attr(&out, "aws_subnet.a", "availability_zone");
    assert_eq!(text(&out, az.span), "local.first");
}

#[test]
fn heredoc_and_jsonencode_keep_structure_and_spans() {
    let fx = fixture(&[(
        "main.tf",
        r#"variable "vpce" {}
resource "aws_api_gateway_rest_api_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Condition = { StringEquals = { "aws:SourceVpce" = var.vpce } }
    }]
  })
  heredoc = <<EOF
{"a": "${upper("x")}"}
EOF
  indented = <<-EOT
    line one
      two
    EOT
}
"#,
    )]);
    let out = fx.load();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let policy = attr(&out, "aws_api_gateway_rest_api_policy.p", "policy");
    assert_eq!(
        show(policy),
        r#"{Version: "2012-10-17", Statement: [{Effect: "Allow", Principal: "*", Condition: {StringEquals: {aws:SourceVpce: ?}}}]}"#
    );
    assert!(text(&out, policy.span).starts_with("jsonencode({"));
    let statement = &policy.get("Statement").unwrap().value;
    let Val::List(statements) = &statement.val else {
        panic!()
    };
    let cond = statements[0].get("Condition").unwrap();
    assert_eq!(text(&out, cond.key_span), "Condition");
    let key = cond
        .value
        .get("StringEquals")
        .unwrap()
        .value
        .get("aws:SourceVpce");
    assert_eq!(text(&out, key.unwrap().key_span), "\"aws:SourceVpce\"");
    assert_eq!(text(&out, key.unwrap().value.span), "var.vpce");
    assert_eq!(
        show(attr(&out, "aws_api_gateway_rest_api_policy.p", "heredoc")),
        r#""{\"a\": \"X\"}\n""#
    );
    assert_eq!(
        show(attr(&out, "aws_api_gateway_rest_api_policy.p", "indented")),
        r#""line one\n  two\n""#
    );
}

const SG: &str = r#"
variable "open" {}
locals {
  rules = [
    { port = 443, cidr = "10.0.0.0/8" },
    { port = 8443, cidr = "10.1.0.0/16" },
  ]
}
resource "aws_security_group" "known" {
  ingress {
    from_port = 22
  }
  dynamic "ingress" {
    for_each = local.rules
    iterator = rule
    content {
      from_port   = rule.value.port
      cidr_blocks = [rule.value.cidr]
      index       = rule.key
    }
  }
  egress {
    from_port = 0
  }
  lifecycle {
    create_before_destroy = true
  }
  depends_on = [aws_vpc.x]
}
resource "aws_security_group" "unknown" {
  ingress {
    from_port = 22
  }
  dynamic "ingress" {
    for_each = var.open
    content {
      from_port = ingress.value
    }
  }
}
"#;

#[test]
fn dynamic_blocks_over_known_and_unknown_collections() {
    let fx = fixture(&[("main.tf", SG)]);
    let out = fx.load();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let known = resource(&out, "aws_security_group.known");
    let keys: Vec<&str> = known.body.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["ingress", "egress"]);
    let ingress = known.get("ingress").unwrap();
    assert_eq!(
        show(&ingress.value),
        r#"[{from_port: 22}, {from_port: 443, cidr_blocks: ["10.0.0.0/8"], index: 0}, {from_port: 8443, cidr_blocks: ["10.1.0.0/16"], index: 1}]"#
    );
    assert_eq!(text(&out, ingress.key_span), "ingress");
    assert!(text(&out, ingress.value.span).starts_with("ingress {"));
    assert!(text(&out, ingress.value.span).ends_with("    }\n  }"));
    let Val::List(items) = &ingress.value.val else {
        panic!()
    };
    let port = &items[1].get("from_port").unwrap().value;
    assert_eq!(text(&out, port.span), "rule.value.port");

    let unknown = resource(&out, "aws_security_group.unknown");
    let ingress = unknown.get("ingress").unwrap();
    assert_eq!(show(&ingress.value), "?");
    assert!(text(&out, ingress.value.span).starts_with("dynamic \"ingress\" {"));
}

#[test]
fn count_zero_and_empty_for_each_emit_nothing() {
    let fx = fixture(&[(
        "main.tf",
        r#"
variable "create" { default = false }
resource "aws_vpc" "off" {
  count = 0
}
resource "aws_vpc" "cond" {
  count = var.create ? 1 : 0
}
resource "aws_vpc" "empty" {
  for_each = {}
}
resource "aws_vpc" "on" {
  count      = 2
  cidr_block = "10.${count.index}.0.0/16"
}
resource "aws_vpc" "maybe" {
  count = var.unknown ? 1 : 0
}
data "aws_vpc_endpoint_service" "api" {
  service = "execute-api"
}
resource "aws_vpc_endpoint" "e" {
  service_name = data.aws_vpc_endpoint_service.api.service_name
  other        = data.aws_vpc.main.id
  cidr         = aws_vpc.on[0].cidr_block
}
"#,
    )]);
    let out = fx.load();
    assert_eq!(
        addresses(&out),
        [
            "aws_vpc.on[0]",
            "aws_vpc.on[1]",
            "aws_vpc.maybe",
            "data.aws_vpc_endpoint_service.api",
            "aws_vpc_endpoint.e"
        ]
    );
    assert!(resource(&out, "aws_vpc.on[1]").get("count").is_none());
    assert_eq!(
        show(attr(&out, "aws_vpc.on[1]", "cidr_block")),
        r#""10.1.0.0/16""#
    );
    let data = resource(&out, "data.aws_vpc_endpoint_service.api");
    assert_eq!(data.kind, "data.aws_vpc_endpoint_service");
    assert_eq!(
        show(attr(&out, "aws_vpc_endpoint.e", "service_name")),
        r#"tpl("com.amazonaws." ? ".execute-api")"#
    );
    assert_eq!(show(attr(&out, "aws_vpc_endpoint.e", "other")), "?");
    assert_eq!(
        show(attr(&out, "aws_vpc_endpoint.e", "cidr")),
        r#""10.0.0.0/16""#
    );
}

#[test]
fn malformed_file_is_located_and_its_neighbour_still_loads() {
    let fx = fixture(&[
        (
            "bad.tf",
            "resource \"aws_vpc\" \"x\" {\n  cidr_block = \n}\n",
        ),
        (
            "good.tf",
            "resource \"aws_vpc\" \"y\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
        ),
        ("binary.tf", ""),
        ("broken.tf.json", "{ not even json"),
    ]);
    std::fs::write(&fx.files[2].path, b"a = \"\xff\"\n").unwrap();
    let out = fx.load();
    assert_eq!(addresses(&out), ["aws_vpc.y"]);
    assert_eq!(out.files_seen, 4);
    assert_eq!(out.errors.len(), 3, "{:?}", out.errors);
    let json = &out.errors[2];
    assert_eq!((json.line, json.column), (Some(1), Some(3)));
    assert!(json.message.starts_with("invalid JSON"), "{}", json.message);
    let bad = &out.errors[0];
    assert_eq!(bad.path, fx.files[0].path);
    assert_eq!((bad.line, bad.column), (Some(2), Some(16)));
    assert!(bad.message.starts_with("invalid HCL"), "{}", bad.message);
    let utf8 = &out.errors[1];
    assert_eq!(utf8.path, fx.files[2].path);
    assert_eq!((utf8.line, utf8.column), (Some(1), Some(6)));
    assert_eq!(utf8.message, "file is not valid UTF-8");
    // The unparsable file's text is kept for reporters; the unreadable one cannot be.
    let ids: Vec<FileId> = out.files.iter().map(|f| f.id).collect();
    assert_eq!(ids, [FileId(0), FileId(1), FileId(3)]);
}

#[test]
fn nesting_cap_is_a_located_error_not_a_crash() {
    let deep = format!("a = {}\n", "[".repeat(100_000));
    let fx = fixture(&[
        ("deep.tf", &deep),
        ("braces.tf", &"x {\n".repeat(100_000)),
        ("ok.tf", "resource \"aws_vpc\" \"y\" {}\n"),
    ]);
    let out = fx.load();
    assert_eq!(addresses(&out), ["aws_vpc.y"]);
    assert_eq!(out.errors.len(), 2);
    assert_eq!(out.errors[0].line, Some(1));
    assert_eq!(
        out.errors[1].line,
        Some(crate::load::hcl::MAX_HCL_NESTING + 1)
    );
}

#[test]
fn nesting_just_under_the_caps_evaluates_on_a_small_stack() {
    // Test threads have 2 MiB stacks, like rayon's workers.
    for depth in [60, 64, 100, crate::load::hcl::MAX_HCL_NESTING] {
        let value = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let object = format!("{}1{}", "{a = ".repeat(depth), "}".repeat(depth));
        let text = format!(
            "locals {{\n  v = {value}\n}}\nresource \"r\" \"x\" {{\n  v = local.v\n  o = {object}\n  t = \"${{local.v}}\"\n}}\n"
        );
        let fx = fixture(&[("main.tf", &text)]);
        let out = fx.load();
        // hcl-edit itself refuses more than 64 levels: then a located error, no resource.
        assert!(
            out.resources.len() + out.errors.len() == 1,
            "{depth}: {:?}",
            out.errors
        );
        assert_eq!(out.resources.len(), usize::from(depth <= 60), "{depth}");
    }
}

#[test]
fn reference_cycles_and_deep_chains_end_unknown() {
    let mut chain = String::from("locals {\n  l0 = \"end\"\n");
    for i in 1..200 {
        chain.push_str(&format!("  l{i} = [local.l{}]\n", i - 1));
    }
    chain.push_str("}\n");
    let fx = fixture(&[
        ("chain.tf", &chain),
        (
            "main.tf",
            r#"
locals {
  a = local.b
  b = local.a
  self_ref = [local.self_ref]
}
resource "aws_vpc" "x" {
  cidr_block = local.a
  loop       = local.self_ref
  deep       = local.l199
  shallow    = local.l3
  peer       = aws_vpc.y.cidr_block
}
resource "aws_vpc" "y" {
  cidr_block = aws_vpc.x.peer
}
"#,
        ),
    ]);
    let out = fx.load();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(show(attr(&out, "aws_vpc.x", "cidr_block")), "?");
    assert_eq!(show(attr(&out, "aws_vpc.x", "loop")), "[?]");
    // Bounded by MAX_EVAL_DEPTH: the far end of the chain is unknown.
    let deep = show(attr(&out, "aws_vpc.x", "deep"));
    assert!(deep.contains("[?]"), "{deep}");
    assert!(deep.matches('[').count() < eval::MAX_EVAL_DEPTH, "{deep}");
    assert_eq!(show(attr(&out, "aws_vpc.x", "shallow")), r#"[[["end"]]]"#);
    assert_eq!(show(attr(&out, "aws_vpc.x", "peer")), "?");
    assert_eq!(show(attr(&out, "aws_vpc.y", "cidr_block")), "?");
}

#[test]
fn exponential_locals_stay_bounded() {
    let mut text = String::from("locals {\n  l0 = [\"x\", \"y\"]\n");
    for i in 1..60 {
        text.push_str(&format!("  l{i} = [local.l{p}, local.l{p}]\n", p = i - 1));
    }
    text.push_str("}\nresource \"aws_vpc\" \"x\" {\n  v = local.l59\n}\n");
    let fx = fixture(&[("main.tf", &text)]);
    let out = fx.load();
    // Finishes (quickly) with some part unknown rather than 2^60 nodes.
    assert_eq!(out.resources.len(), 1);
}

#[test]
fn file_function_reads_relative_to_the_module() {
    let fx = fixture(&[
        (
            "main.tf",
            r#"
resource "aws_iam_policy" "p" {
  policy  = file("${path.module}/policy.json")
  plain   = file("policy.json")
  missing = file("${path.module}/nope.json")
  other   = lower(concat(["A"], ["B"])[1])
  list    = concat(tolist(["a"]), toset(["b", "b"]))
  str     = tostring(5)
}
"#,
        ),
        ("policy.json", "{\"Version\": \"2012-10-17\"}\n"),
    ]);
    let out = fx.load();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.files_seen, 2);
    let policy = r#""{\"Version\": \"2012-10-17\"}\n""#;
    assert_eq!(show(attr(&out, "aws_iam_policy.p", "policy")), policy);
    assert_eq!(show(attr(&out, "aws_iam_policy.p", "plain")), policy);
    assert_eq!(show(attr(&out, "aws_iam_policy.p", "missing")), "?");
    assert_eq!(show(attr(&out, "aws_iam_policy.p", "other")), r#""b""#);
    assert_eq!(
        show(attr(&out, "aws_iam_policy.p", "list")),
        r#"["a", "b"]"#
    );
    assert_eq!(show(attr(&out, "aws_iam_policy.p", "str")), r#""5""#);
}

#[test]
fn output_is_deterministic() {
    let fx = fixture(&[("main.tf", SG), ("vpc.tf", VPC_VARS)]);
    let a = format!("{:?}", fx.load().resources);
    let b = format!("{:?}", fx.load().resources);
    assert_eq!(a, b);
}

/// Smoke test over the real-world corpus: no panics, few parse errors.
/// `cargo test --lib corpus_smoke -- --ignored --nocapture`
#[test]
#[ignore]
fn corpus_smoke() {
    use std::collections::BTreeMap;
    let root = Path::new("/work/shared/corpus");
    let mut dirs: BTreeMap<std::path::PathBuf, Vec<FoundFile>> = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    let mut next_id = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            } else if role_of(&path).is_some() {
                dirs.entry(dir.clone()).or_default().push(FoundFile {
                    id: FileId(next_id),
                    path,
                    explicit: false,
                });
                next_id += 1;
            }
        }
    }
    let (mut files, mut errors, mut resources, mut unknown_top) = (0, 0, 0, 0);
    let mut top = 0;
    let started = std::time::Instant::now();
    // PRIVLINT_DUMP=<part of a directory path> prints that module's resolved resources.
    let dump = std::env::var("PRIVLINT_DUMP").ok();
    for (dir, files_of_dir) in &dirs {
        let out = load_module(dir, files_of_dir, &TfInputs::default());
        if dump
            .as_deref()
            .is_some_and(|d| dir.to_string_lossy().contains(d))
        {
            for r in &out.resources {
                println!(
                    "{} {}",
                    r.address,
                    show(&Node::new(r.span, Val::Map(r.body.clone())))
                );
            }
        }
        files += out.files_seen;
        errors += out.errors.len();
        for e in &out.errors {
            println!(
                "{}:{:?}:{:?}: {}",
                e.path.display(),
                e.line,
                e.column,
                e.message
            );
        }
        resources += out.resources.len();
        for r in &out.resources {
            for e in &r.body {
                top += 1;
                if matches!(e.value.val, Val::Unknown) {
                    unknown_top += 1;
                }
            }
        }
    }
    println!(
        "modules {} files {files} errors {errors} resources {resources} attributes {top} unknown {unknown_top} in {:?}",
        dirs.len(),
        started.elapsed()
    );
}

#[test]
fn duplicate_object_keys_keep_the_last_value_like_terraform() {
    let fx = fixture(&[(
        "main.tf",
        "resource \"aws_lb\" \"x\" {\n  tags = { a = 1, \"b\" = 2, a = 3, \"b\" = 4 }\n}\n",
    )]);
    let out = fx.load();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let tags = attr(&out, "aws_lb.x", "tags");
    assert_eq!(show(tags), "{a: 3, b: 4}");
    let a = tags.get("a").unwrap();
    // The later key, whose value won.
    assert_eq!(a.key_span.start, 51);
    assert_eq!(text(&out, a.key_span), "a");
    assert_eq!(text(&out, tags.get("b").unwrap().key_span), "\"b\"");
}

#[test]
fn command_line_values_follow_the_declared_type() {
    let fx = fixture(&[(
        "main.tf",
        r#"
variable "name" { type = string }
variable "count_of" { type = number }
variable "cfg" { type = object({ a = number }) }
variable "any" {}
resource "r" "x" {
  name  = var.name
  n     = var.count_of
  cfg   = var.cfg.a
  any   = var.any
}
"#,
    )]);
    let inputs = TfInputs {
        vars: vec![
            ("name".into(), "[not, a, list]".into()),
            ("count_of".into(), "3".into()),
            ("cfg".into(), "{ a = 2 }".into()),
            ("any".into(), "{ b = \"c\" }".into()),
        ],
        ..TfInputs::default()
    };
    let out = load_module(fx.dir.path(), &fx.files, &inputs);
    assert_eq!(show(attr(&out, "r.x", "name")), r#""[not, a, list]""#);
    assert_eq!(show(attr(&out, "r.x", "n")), "3");
    assert_eq!(show(attr(&out, "r.x", "cfg")), "2");
    assert_eq!(show(attr(&out, "r.x", "any")), r#"{b: "c"}"#);
}

/// A root module in `dir` of the fixture plus module directories under it; ids in order.
fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<FoundFile>) {
    let dir = tempfile::tempdir().unwrap();
    let found = files
        .iter()
        .enumerate()
        .map(|(i, (name, text))| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            FoundFile {
                id: FileId(i as u32),
                path,
                explicit: false,
            }
        })
        .collect();
    (dir, found)
}

#[test]
fn module_inputs_outputs_and_addresses() {
    let (dir, files) = tree(&[
        (
            "main.tf",
            r#"
module "net" {
  source = "./net"
  dns    = false
}
module "twice" {
  for_each = toset(["a", "b"])
  source   = "./net"
  name     = each.key
}
module "off" {
  count  = 0
  source = "./net"
}
resource "aws_vpc_endpoint" "e" {
  vpc_id  = module.net.vpc_id
  name    = module.net.name
  names   = [module.twice["a"].name, module.twice["b"].name]
  missing = module.net.nope
  off     = module.off[0].vpc_id
}
"#,
        ),
        (
            "net/main.tf",
            r#"
variable "dns" { default = true }
variable "name" { default = "default" }
resource "aws_vpc" "this" {
  enable_dns_hostnames = var.dns
  tags                 = { Name = var.name }
}
output "vpc_id" { value = aws_vpc.this.id }
output "name" { value = aws_vpc.this.tags.Name }
"#,
        ),
    ]);
    let out = load_module(dir.path(), &files, &TfInputs::default());
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(
        addresses(&out),
        [
            "aws_vpc_endpoint.e",
            "module.net.aws_vpc.this",
            r#"module.twice["a"].aws_vpc.this"#,
            r#"module.twice["b"].aws_vpc.this"#,
        ]
    );
    let show_attr = |k| show(attr(&out, "aws_vpc_endpoint.e", k));
    assert_eq!(show_attr("vpc_id"), "ref(module.net.aws_vpc.this.id)");
    assert_eq!(show_attr("name"), r#""default""#);
    assert_eq!(show_attr("names"), r#"["a", "b"]"#);
    assert_eq!(show_attr("missing"), "?");
    assert_eq!(show_attr("off"), "?");
    let dns = attr(&out, "module.net.aws_vpc.this", "enable_dns_hostnames");
    assert_eq!(show(dns), "false");
    // The value came from the caller, the finding belongs where the module uses it.
    assert_eq!(dns.span.file, FileId(1));
    assert_eq!(text(&out, dns.span), "var.dns");
    assert_eq!(resource(&out, "module.net.aws_vpc.this").file, FileId(1));
}

#[test]
fn module_calling_itself_contributes_nothing() {
    let (dir, files) = tree(&[
        (
            "main.tf",
            r#"
module "again" {
  source = "./"
}
module "ring" {
  source = "./ring"
}
resource "aws_vpc" "w" {
  deepest = module.again.deepest
  ring    = module.ring.deepest
}
"#,
        ),
        (
            "ring/main.tf",
            "module \"back\" {\n  source = \"../\"\n}\nresource \"r\" \"in_ring\" {}\noutput \"deepest\" { value = module.back.deepest }\n",
        ),
    ]);
    let out = load_module(dir.path(), &files, &TfInputs::default());
    assert_eq!(addresses(&out), ["aws_vpc.w", "module.ring.r.in_ring"]);
    assert_eq!(show(attr(&out, "aws_vpc.w", "deepest")), "?");
    assert_eq!(show(attr(&out, "aws_vpc.w", "ring")), "?");
}

#[test]
fn module_nesting_ends_at_the_depth_cap() {
    let levels = eval::MAX_MODULE_DEPTH + 4;
    let texts: Vec<(String, String)> = (0..levels)
        .map(|i| {
            let name = if i == 0 {
                "main.tf".to_string()
            } else {
                format!("{}main.tf", "m/".repeat(i))
            };
            let text = format!(
                "module \"m\" {{\n  source = \"./m\"\n}}\nresource \"r\" \"x\" {{\n  level = {i}\n}}\n"
            );
            (name, text)
        })
        .collect();
    let refs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (dir, files) = tree(&refs);
    let out = load_module(dir.path(), &files, &TfInputs::default());
    assert_eq!(out.resources.len(), eval::MAX_MODULE_DEPTH + 1);
}

#[test]
fn module_outputs_that_feed_each_other_end_unknown() {
    let (dir, files) = tree(&[
        (
            "main.tf",
            r#"
module "a" {
  source = "./m"
  x      = module.b.y
}
module "b" {
  source = "./m"
  x      = module.a.y
}
resource "r" "x" {
  a = module.a.y
}
"#,
        ),
        (
            "m/main.tf",
            "variable \"x\" {}\noutput \"y\" { value = var.x }\n",
        ),
    ]);
    let out = load_module(dir.path(), &files, &TfInputs::default());
    assert_eq!(show(attr(&out, "r.x", "a")), "?");
}

#[test]
fn splats_indexes_and_unknown_counts() {
    let fx = fixture(&[(
        "main.tf",
        r#"
variable "n" {}
resource "aws_subnet" "s" {
  count = 2
  az    = "az-${count.index}"
}
resource "aws_subnet" "t" {
  count = var.n
  az    = "az-${count.index}"
}
resource "aws_vpc_endpoint" "e" {
  for_each   = { api = "execute-api" }
  service    = each.value
  key        = each.key
  subnet_ids = aws_subnet.s[*].id
  legacy     = aws_subnet.s.*.az
  one        = aws_subnet.s[1].id
  beyond     = aws_subnet.s[2].id
  no_index   = aws_subnet.s.id
  template   = aws_subnet.t[0].id
}
resource "r" "x" {
  e = aws_vpc_endpoint.e["api"].id
  s = aws_vpc_endpoint.e["api"].service
}
"#,
    )]);
    let out = fx.load();
    assert_eq!(
        addresses(&out),
        [
            "aws_subnet.s[0]",
            "aws_subnet.s[1]",
            "aws_subnet.t",
            r#"aws_vpc_endpoint.e["api"]"#,
            "r.x"
        ]
    );
    assert_eq!(show(attr(&out, "aws_subnet.t", "az")), r#"tpl("az-" ?)"#);
    let e = r#"aws_vpc_endpoint.e["api"]"#;
    assert_eq!(show(attr(&out, e, "service")), r#""execute-api""#);
    assert_eq!(show(attr(&out, e, "key")), r#""api""#);
    assert_eq!(
        show(attr(&out, e, "subnet_ids")),
        "[ref(aws_subnet.s[0].id), ref(aws_subnet.s[1].id)]"
    );
    assert_eq!(show(attr(&out, e, "legacy")), r#"["az-0", "az-1"]"#);
    assert_eq!(show(attr(&out, e, "one")), "ref(aws_subnet.s[1].id)");
    assert_eq!(show(attr(&out, e, "beyond")), "?");
    assert_eq!(show(attr(&out, e, "no_index")), "?");
    assert_eq!(show(attr(&out, e, "template")), "ref(aws_subnet.t.id)");
    assert_eq!(
        show(attr(&out, "r.x", "e")),
        r#"ref(aws_vpc_endpoint.e["api"].id)"#
    );
    assert_eq!(show(attr(&out, "r.x", "s")), r#""execute-api""#);
}

#[test]
fn functions_operators_and_for_expressions() {
    let fx = fixture(&[(
        "main.tf",
        r#"
variable "u" {}
locals {
  ports = [80, 443]
  m     = { a = 1, b = 2 }
}
resource "r" "x" {
  flat     = flatten([[1], [2, [3]]])
  merged   = merge(local.m, { b = 3 })
  looked   = lookup(local.m, "a", 0)
  fallback = lookup(local.m, "z", 9)
  tried    = try(local.m.a, 5)
  tried_u  = try(var.u, 5)
  first    = coalesce("", "x")
  fmt      = format("com.amazonaws.%s.execute-api", var.u)
  joined   = join(",", ["a", "b"])
  elem     = element(["a", "b"], 3)
  len      = length(local.ports)
  has      = contains(local.ports, 443)
  has_not  = contains(local.ports, 22)
  has_u    = contains([var.u], 22)
  eq       = 1 == 1 && "a" != "b"
  lt       = 2 < 1 || !true
  arith    = (2 * 3 - 1) % 4
  list_for = [for p in local.ports : p + 1 if p > 100]
  map_for  = { for k, v in local.m : upper(k) => v }
  grouped  = { for p in local.ports : (p > 100 ? "high" : "low") => p... }
  unknown  = no_such_function(1)
  keys     = keys(local.m)
}
"#,
    )]);
    let out = fx.load();
    let a = |k| show(attr(&out, "r.x", k));
    assert_eq!(a("flat"), "[1, 2, 3]");
    assert_eq!(a("merged"), "{a: 1, b: 3}");
    assert_eq!(a("looked"), "1");
    assert_eq!(a("fallback"), "9");
    assert_eq!(a("tried"), "1");
    assert_eq!(a("tried_u"), "?");
    assert_eq!(a("first"), r#""x""#);
    assert_eq!(a("fmt"), r#"tpl("com.amazonaws." ? ".execute-api")"#);
    assert_eq!(a("joined"), r#""a,b""#);
    assert_eq!(a("elem"), r#""b""#);
    assert_eq!(a("len"), "2");
    assert_eq!(a("has"), "true");
    assert_eq!(a("has_not"), "false");
    assert_eq!(a("has_u"), "?");
    assert_eq!(a("eq"), "true");
    assert_eq!(a("lt"), "false");
    assert_eq!(a("arith"), "1");
    assert_eq!(a("list_for"), "[444]");
    assert_eq!(a("map_for"), "{A: 1, B: 2}");
    assert_eq!(a("grouped"), "{low: [80], high: [443]}");
    assert_eq!(a("unknown"), "?");
    assert_eq!(a("keys"), r#"["a", "b"]"#);
}

#[test]
fn tf_var_environment_sits_between_defaults_and_tfvars() {
    let fx = fixture(&[
        (
            "main.tf",
            "variable \"a\" { default = \"d\" }\nvariable \"b\" {}\nvariable \"c\" { type = bool }\nresource \"r\" \"x\" {\n  a = var.a\n  b = var.b\n  c = var.c\n}\n",
        ),
        ("terraform.tfvars", "a = \"tfvars\"\n"),
    ]);
    let env = TfInputs::env_vars_from([
        ("TF_VAR_a".to_string(), "env".to_string()),
        ("TF_VAR_b".to_string(), "env-b".to_string()),
        ("TF_VAR_c".to_string(), "true".to_string()),
        ("TF_VAR_".to_string(), "nameless".to_string()),
        ("HOME".to_string(), "/root".to_string()),
    ]);
    assert_eq!(env.len(), 3);
    let inputs = TfInputs {
        env_vars: env,
        ..TfInputs::default()
    };
    let out = load_module(fx.dir.path(), &fx.files, &inputs);
    assert_eq!(show(attr(&out, "r.x", "a")), r#""tfvars""#);
    assert_eq!(show(attr(&out, "r.x", "b")), r#""env-b""#);
    assert_eq!(show(attr(&out, "r.x", "c")), "true");
}

#[test]
fn tf_json_files_join_their_module() {
    let fx = fixture(&[
        (
            "main.tf.json",
            r#"{
  "variable": {"cidr": {"default": "10.0.0.0/16"}},
  "locals": {"ports": [443]},
  "resource": {
    "aws_security_group": {
      "sg": {
        "vpc_id": "${aws_vpc.v.id}",
        "ingress": {"from_port": "${local.ports[0]}", "cidr_blocks": ["${var.cidr}"]},
        "dynamic": {"egress": {"for_each": [1], "content": {}}}
      }
    }
  }
}
"#,
        ),
        (
            "vpc.tf",
            "resource \"aws_vpc\" \"v\" {\n  cidr_block = var.cidr\n}\n",
        ),
        ("broken.tf.json", "{\"resource\": }\n"),
    ]);
    let out = fx.load();
    assert_eq!(addresses(&out), ["aws_security_group.sg", "aws_vpc.v"]);
    let sg = resource(&out, "aws_security_group.sg");
    assert_eq!(text(&out, sg.header), "\"sg\"");
    assert_eq!(
        show(attr(&out, "aws_security_group.sg", "vpc_id")),
        "ref(aws_vpc.v.id)"
    );
    assert_eq!(
        show(attr(&out, "aws_security_group.sg", "ingress")),
        r#"[{from_port: 443, cidr_blocks: ["10.0.0.0/16"]}]"#
    );
    assert_eq!(show(attr(&out, "aws_security_group.sg", "egress")), "?");
    let key = &sg.get("vpc_id").unwrap().key_span;
    assert_eq!(text(&out, *key), "\"vpc_id\"");
    assert_eq!(
        show(attr(&out, "aws_vpc.v", "cidr_block")),
        r#""10.0.0.0/16""#
    );
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert_eq!(out.errors[0].line, Some(1));
}

#[test]
#[ignore]
/// PRIVLINT_UNIT=<path> prints the resolved resources of every Terraform unit under it.
fn dump_units_of_a_path() {
    let Ok(path) = std::env::var("PRIVLINT_UNIT") else {
        return;
    };
    let d = crate::load::discover::discover(&[std::path::PathBuf::from(path)], &[], true).unwrap();
    for unit in &d.units {
        if let crate::load::discover::Unit::TerraformModule { dir, files } = unit {
            let out = load_module(dir, files, &TfInputs::default());
            for r in &out.resources {
                if r.kind.contains("vpc") {
                    println!(
                        "{} {}",
                        r.address,
                        r.body
                            .iter()
                            .map(|e| format!("{}={}", e.key, show(&e.value)))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    );
                } else {
                    println!("{}", r.address);
                }
            }
        }
    }
}

#[test]
fn try_falls_back_on_missing_keys_only() {
    let fx = fixture(&[(
        "main.tf",
        r#"
variable "u" {}
locals {
  endpoints = {
    api = { service = "execute-api" }
    gw  = { service = "s3", service_type = "Gateway" }
  }
  enabled = { for k, v in local.endpoints : k => v if try(v.create, true) }
}
data "aws_vpc_endpoint_service" "this" {
  for_each = local.enabled
  service  = try(each.value.service, null)
}
resource "aws_vpc" "v" {}
resource "aws_vpc_endpoint" "this" {
  for_each          = local.enabled
  vpc_id            = try(aws_vpc.v.id, null)
  service_name      = try(each.value.service_endpoint, data.aws_vpc_endpoint_service.this[each.key].service_name)
  vpc_endpoint_type = try(each.value.service_type, "Interface")
  unknown           = try(var.u, "fallback")
  can_missing       = can(each.value.nope)
  can_present       = can(each.value.service)
}
"#,
    )]);
    let out = fx.load();
    let api = r#"aws_vpc_endpoint.this["api"]"#;
    let gw = r#"aws_vpc_endpoint.this["gw"]"#;
    assert_eq!(show(attr(&out, api, "vpc_id")), "ref(aws_vpc.v.id)");
    assert_eq!(
        show(attr(&out, api, "service_name")),
        r#"tpl("com.amazonaws." ? ".execute-api")"#
    );
    assert_eq!(show(attr(&out, api, "vpc_endpoint_type")), r#""Interface""#);
    assert_eq!(show(attr(&out, gw, "vpc_endpoint_type")), r#""Gateway""#);
    // Unknown is not a failure: no fallback.
    assert_eq!(show(attr(&out, api, "unknown")), "?");
    assert_eq!(show(attr(&out, api, "can_missing")), "false");
    assert_eq!(show(attr(&out, api, "can_present")), "true");
}
