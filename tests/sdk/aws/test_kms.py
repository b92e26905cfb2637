"""KMS keys through boto3: create/describe/list, aliases in every KeyId form, states, deletion and
rotation on the server clock, policies, tags, grants."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def kms(aws: Any) -> Any:
    return aws("kms")


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def new_key(kms: Any, **kwargs: Any) -> dict[str, Any]:
    return dict(kms.create_key(**kwargs)["KeyMetadata"])


def test_create_and_describe_symmetric_key(kms: Any) -> None:
    meta = new_key(kms, Description="orders", Tags=[{"TagKey": "team", "TagValue": "pay"}])
    assert meta["KeySpec"] == "SYMMETRIC_DEFAULT" and meta["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert meta["KeyState"] == "Enabled" and meta["Enabled"] is True
    assert meta["Arn"] == f"arn:aws:kms:us-east-1:000000000000:key/{meta['KeyId']}"
    assert meta["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    described = kms.describe_key(KeyId=meta["Arn"])["KeyMetadata"]
    assert described["Description"] == "orders" and described["KeyManager"] == "CUSTOMER"
    assert kms.list_resource_tags(KeyId=meta["KeyId"])["Tags"] == [{"TagKey": "team", "TagValue": "pay"}]


@pytest.mark.parametrize("spec,usage,field,expected", [
    ("RSA_2048", "SIGN_VERIFY", "SigningAlgorithms", "RSASSA_PSS_SHA_256"),
    ("RSA_3072", "ENCRYPT_DECRYPT", "EncryptionAlgorithms", "RSAES_OAEP_SHA_256"),
    ("ECC_NIST_P384", "SIGN_VERIFY", "SigningAlgorithms", "ECDSA_SHA_384"),
    ("ECC_SECG_P256K1", "SIGN_VERIFY", "SigningAlgorithms", "ECDSA_SHA_256"),
    ("HMAC_512", "GENERATE_VERIFY_MAC", "MacAlgorithms", "HMAC_SHA_512"),
])
def test_asymmetric_and_hmac_key_specs(kms: Any, spec: str, usage: str, field: str, expected: str) -> None:
    meta = new_key(kms, KeySpec=spec, KeyUsage=usage)
    assert meta["KeySpec"] == spec and expected in meta[field]


def test_key_spec_and_usage_must_agree(kms: Any) -> None:
    with pytest.raises(ClientError) as hmac_encrypt:
        kms.create_key(KeySpec="HMAC_256")
    assert error_code(hmac_encrypt) == "ValidationException"
    with pytest.raises(ClientError) as ecc_encrypt:
        kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="ENCRYPT_DECRYPT")
    assert error_code(ecc_encrypt) == "ValidationException"


def test_list_keys_pages(kms: Any) -> None:
    made = {new_key(kms)["KeyId"] for _ in range(3)}
    seen, marker, pages = set(), None, 0
    while True:
        page = kms.list_keys(Limit=2, **({"Marker": marker} if marker else {}))
        seen |= {k["KeyId"] for k in page["Keys"]}
        pages += 1
        if not page["Truncated"]:
            break
        marker = page["NextMarker"]
    assert made <= seen and pages >= 2
    with pytest.raises(ClientError) as bad_marker:
        kms.list_keys(Marker="not-a-marker")
    assert error_code(bad_marker) == "InvalidMarkerException"


def test_unknown_key_is_not_found(kms: Any) -> None:
    missing = "11111111-2222-3333-4444-555555555555"
    with pytest.raises(ClientError) as excinfo:
        kms.describe_key(KeyId=missing)
    assert error_code(excinfo) == "NotFoundException"
    assert f"arn:aws:kms:us-east-1:000000000000:key/{missing}" in excinfo.value.response["Error"]["Message"]


def test_aliases_name_keys_in_every_form(kms: Any, unique_name: str) -> None:
    key = new_key(kms)
    other = new_key(kms)
    alias = f"alias/{unique_name}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    alias_arn = f"arn:aws:kms:us-east-1:000000000000:{alias}"
    for form in (key["KeyId"], key["Arn"], alias, alias_arn):
        assert kms.describe_key(KeyId=form)["KeyMetadata"]["KeyId"] == key["KeyId"]
    listed = kms.list_aliases(KeyId=key["KeyId"])["Aliases"]
    assert [(a["AliasName"], a["AliasArn"], a["TargetKeyId"]) for a in listed] == [(alias, alias_arn, key["KeyId"])]
    with pytest.raises(ClientError) as duplicate:
        kms.create_alias(AliasName=alias, TargetKeyId=other["KeyId"])
    assert error_code(duplicate) == "AlreadyExistsException"
    kms.update_alias(AliasName=alias, TargetKeyId=other["KeyId"])
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"] == other["KeyId"]
    signer = new_key(kms, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    with pytest.raises(ClientError) as other_type:
        kms.update_alias(AliasName=alias, TargetKeyId=signer["KeyId"])
    assert error_code(other_type) == "ValidationException"
    kms.delete_alias(AliasName=alias)
    with pytest.raises(ClientError) as gone:
        kms.describe_key(KeyId=alias)
    assert error_code(gone) == "NotFoundException"


def test_alias_names_are_checked(kms: Any, unique_name: str) -> None:
    key = new_key(kms)
    with pytest.raises(ClientError) as reserved:
        kms.create_alias(AliasName=f"alias/aws/{unique_name}", TargetKeyId=key["KeyId"])
    assert error_code(reserved) == "NotAuthorizedException"
    with pytest.raises(ClientError) as no_prefix:
        kms.create_alias(AliasName=unique_name, TargetKeyId=key["KeyId"])
    assert error_code(no_prefix) == "ValidationException"
    with pytest.raises(ClientError) as to_alias:
        kms.create_alias(AliasName=f"alias/{unique_name}", TargetKeyId="alias/other")
    assert error_code(to_alias) == "ValidationException"


def test_aws_managed_key_appears_when_named(kms: Any) -> None:
    listed = {a["AliasName"]: a for a in kms.list_aliases(Limit=1000)["Aliases"]}
    assert "alias/aws/ebs" in listed
    meta = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    listed = {a["AliasName"]: a for a in kms.list_aliases(Limit=1000)["Aliases"]}
    assert listed["alias/aws/ebs"]["TargetKeyId"] == meta["KeyId"]
    assert meta["KeyManager"] == "AWS"
    assert kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["KeyId"] == meta["KeyId"]
    with pytest.raises(ClientError) as excinfo:
        kms.schedule_key_deletion(KeyId=meta["KeyId"])
    assert error_code(excinfo) == "UnsupportedOperationException"


def test_disable_enable_and_describe(kms: Any) -> None:
    key_id = new_key(kms)["KeyId"]
    kms.disable_key(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(ClientError) as disabled:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_code(disabled) == "DisabledException"
    kms.enable_key(KeyId=key_id)
    kms.update_key_description(KeyId=key_id, Description="renamed")
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "Enabled" and meta["Description"] == "renamed"


def test_schedule_deletion_window_and_cancel(kms: Any) -> None:
    key_id = new_key(kms)["KeyId"]
    with pytest.raises(ClientError) as too_short:
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=6)
    assert error_code(too_short) == "ValidationException"
    scheduled = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 7
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["DeletionDate"] == scheduled["DeletionDate"] and meta["PendingDeletionWindowInDays"] == 7
    with pytest.raises(ClientError) as pending:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_code(pending) == "KMSInvalidStateException"
    kms.cancel_key_deletion(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(ClientError) as not_pending:
        kms.cancel_key_deletion(KeyId=key_id)
    assert error_code(not_pending) == "KMSInvalidStateException"


def test_rotation_is_for_symmetric_keys_only(kms: Any) -> None:
    key_id = new_key(kms, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyId"]
    with pytest.raises(ClientError) as excinfo:
        kms.enable_key_rotation(KeyId=key_id)
    assert error_code(excinfo) == "UnsupportedOperationException"


def test_key_policy_stored(kms: Any) -> None:
    key_id = new_key(kms)["KeyId"]
    default = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert default["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::000000000000:root"}
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=policy)
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == policy
    assert kms.list_key_policies(KeyId=key_id)["PolicyNames"] == ["default"]
    with pytest.raises(ClientError) as malformed:
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy="{not json")
    assert error_code(malformed) == "MalformedPolicyDocumentException"


def test_tags(kms: Any) -> None:
    key_id = new_key(kms)["KeyId"]
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "a", "TagValue": "1"}, {"TagKey": "b", "TagValue": "2"}])
    kms.untag_resource(KeyId=key_id, TagKeys=["a"])
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "b", "TagValue": "2"}]
    with pytest.raises(ClientError) as reserved:
        kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "aws:x", "TagValue": "1"}])
    assert error_code(reserved) == "TagException"


def test_grants(kms: Any, unique_name: str) -> None:
    key_id = new_key(kms)["KeyId"]
    grantee = "arn:aws:iam::000000000000:role/app"
    retiring = f"arn:aws:iam::000000000000:role/{unique_name}"
    made = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, RetiringPrincipal=retiring,
                            Operations=["Encrypt", "Decrypt"], Name="app",
                            Constraints={"EncryptionContextSubset": {"tenant": "a"}})
    again = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, RetiringPrincipal=retiring,
                             Operations=["Encrypt", "Decrypt"], Name="app",
                             Constraints={"EncryptionContextSubset": {"tenant": "a"}})
    assert again["GrantId"] == made["GrantId"]
    kms.encrypt(KeyId=key_id, Plaintext=b"x", GrantTokens=[made["GrantToken"]])
    grants = kms.list_grants(KeyId=key_id)["Grants"]
    assert [(g["GrantId"], g["Operations"], g["Constraints"]) for g in grants] == [
        (made["GrantId"], ["Encrypt", "Decrypt"], {"EncryptionContextSubset": {"tenant": "a"}})]
    assert [g["GrantId"] for g in kms.list_retirable_grants(RetiringPrincipal=retiring)["Grants"]] == [made["GrantId"]]
    kms.retire_grant(GrantToken=made["GrantToken"])
    second = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Decrypt"])
    kms.revoke_grant(KeyId=key_id, GrantId=second["GrantId"])
    assert kms.list_grants(KeyId=key_id)["Grants"] == []
    with pytest.raises(ClientError) as missing:
        kms.revoke_grant(KeyId=key_id, GrantId=second["GrantId"])
    assert error_code(missing) == "NotFoundException"


def test_a_key_id_of_no_known_form_names_no_key(kms: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        kms.describe_key(KeyId="not-a-key-id")
    assert error_code(excinfo) == "NotFoundException"


def test_aws_managed_key_has_the_default_policy(kms: Any) -> None:
    key_id = kms.describe_key(KeyId="alias/aws/sqs")["KeyMetadata"]["KeyId"]
    policy = json.loads(kms.get_key_policy(KeyId=key_id)["Policy"])
    assert policy["Statement"][0]["Action"] == "kms:*"
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 365
