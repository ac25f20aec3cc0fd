import type { IssueDefinition } from './validate-policy-catalog.js';

/**
 * AWS's policy checks that Strongbox runs, as the "IAM policy validation check reference" lists them
 * (errors, general warnings, security warnings, suggestions, each in the page's order): issue code,
 * finding type, and the API's `findingDetails` text with its `{{placeholders}}`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
 */

const e = (details: string): IssueDefinition => ({ type: 'ERROR', details });
const w = (details: string): IssueDefinition => ({ type: 'WARNING', details });
const sw = (details: string): IssueDefinition => ({ type: 'SECURITY_WARNING', details });
const s = (details: string): IssueDefinition => ({ type: 'SUGGESTION', details });

export const AWS_ISSUES = {
  // Errors
  ARN_ACCOUNT_NOT_ALLOWED: e(
    'The service {{service}} does not support specifying an account ID in the resource ARN.',
  ),
  ARN_REGION_NOT_ALLOWED: e('The service {{service}} does not support specifying a Region in the resource ARN.'),
  DATA_TYPE_MISMATCH: e('The text does not match the expected JSON data type {{data_type}}.'),
  DUPLICATE_KEYS_WITH_DIFFERENT_CASE: e(
    'The condition key {{key}} appears more than once with different capitalization in the same condition block. ' +
    'Remove the duplicate condition keys.',
  ),
  INVALID_ACTION: e('The action {{action}} does not exist.{{suggestion}}'),
  INVALID_ARN_ACCOUNT: e('The resource ARN account ID {{account}} is not valid. Provide a 12-digit account ID.'),
  INVALID_ARN_PREFIX: e('Add the required prefix (arn) to the resource ARN.'),
  INVALID_ARN_RESOURCE: e(
    'Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.',
  ),
  INVALID_ARN_SERVICE_CASE: e(
    'Update the service name {{service}} in the resource ARN to use all lowercase letters.',
  ),
  INVALID_CONDITION_DATA_TYPE: e(
    'The condition value data types do not match. Use condition values of the same JSON data type.',
  ),
  INVALID_CONDITION_KEY_FORMAT: e('The condition key format is not valid. Use the format service:keyname.'),
  INVALID_CONDITION_MULTIPLE_BOOLEAN: e(
    'The condition key does not support multiple Boolean values. Use a single Boolean value.',
  ),
  INVALID_CONDITION_OPERATOR: e('The condition operator {{operator}} is not valid. Use a valid condition operator.'),
  INVALID_EFFECT: e('The effect {{effect}} is not valid. Use Allow or Deny.'),
  INVALID_GLOBAL_CONDITION_KEY: e('The condition key {{key}} does not exist. Use a valid condition key.'),
  INVALID_PARTITION: e(
    'The resource ARN for the service {{service}} does not support the partition {{partition}}. Use the supported ' +
    'values: {{partitions}}',
  ),
  INVALID_POLICY_ELEMENT: e('The policy element {{element}} is not valid.'),
  INVALID_PRINCIPAL_FORMAT: e(
    'The Principal element contents are not valid. Specify a key-value pair in the Principal element.',
  ),
  INVALID_PRINCIPAL_KEY: e('The principal key {{principal-key}} is not valid.'),
  INVALID_SERVICE_IN_ACTION: e('The service {{service}} specified in the action does not exist.'),
  INVALID_VARIABLE_FOR_OPERATOR: e('Policy variables can only be used with String and ARN operators.'),
  INVALID_VERSION: e('The version {{version}} is not valid. Use one of the following versions: {{versions}}'),
  JSON_SYNTAX_ERROR: e('Fix the JSON syntax error at index {{index}} line {{line}} column {{column}}.'),
  MISSING_ACTION: e('Add an Action or NotAction element to the policy statement.'),
  MISSING_ARN_FIELD: e(
    'Resource ARNs must include at least {{fields}} fields in the following structure: ' +
    'arn:partition:service:region:account:resource',
  ),
  MISSING_EFFECT: e('Add an Effect element to the policy statement with a value of Allow or Deny.'),
  MISSING_PRINCIPAL: e('Add a Principal element to the policy statement.'),
  MISSING_QUALIFIER: e(
    'The request context key {{key}} has multiple values. Use the ForAllValues or ForAnyValue condition key ' +
    'qualifiers in your policy.',
  ),
  MISSING_RESOURCE: e('Add a Resource or NotResource element to the policy statement.'),
  MISSING_STATEMENT: e('Add a statement to the policy'),
  NULL_WITH_IF_EXISTS: e(
    'The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.',
  ),
  SCP_SYNTAX_ERROR_ACTION_WILDCARD: e(
    'SCP actions can include wildcards (*) only at the end of a string. Update {{action}}.',
  ),
  SCP_SYNTAX_ERROR_PRINCIPAL: e(
    'SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.',
  ),
  UNIQUE_SIDS_REQUIRED: e('Duplicate statement IDs are not supported for this policy type. Update the Sid value.'),
  UNSUPPORTED_ACTION_IN_POLICY: e(
    'The action {{action}} is not supported for the resource-based policy attached to the resource type ' +
    '{{resourceType}}.',
  ),
  UNSUPPORTED_ELEMENT_COMBINATION: e(
    'The policy elements {{element1}} and {{element2}} can not be used in the same statement. Remove one of these ' +
    'elements.',
  ),
  UNSUPPORTED_GLOBAL_CONDITION_KEY: e(
    'The condition key aws:ARN is not supported. Use aws:PrincipalArn or aws:SourceArn instead.',
  ),
  UNSUPPORTED_PRINCIPAL: e(
    'The policy type {{policy_type}} does not support the Principal element. Remove the Principal element.',
  ),
  UNSUPPORTED_RESOURCE_ARN_IN_POLICY: e(
    'The resource ARN is not supported for the resource-based policy attached to the resource type ' +
    '{{resourceType}}.',
  ),
  UNSUPPORTED_SID: e(
    'Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]',
  ),
  UNSUPPORTED_WILDCARD_IN_PRINCIPAL: e(
    'Wildcards (*, ?) are not supported with the principal key {{principal_key}}. Replace the wildcard with a ' +
    'valid principal value.',
  ),
  MISSING_BRACE_IN_VARIABLE: e(
    'The policy variable is missing a closing curly brace. Add } after the variable text.',
  ),
  MISSING_QUOTE_IN_VARIABLE: e(
    'The policy variable default value must begin and end with a single quote. Add the missing quote.',
  ),
  UNSUPPORTED_SPACE_IN_VARIABLE: e('A space is not supported within the policy variable text. Remove the space.'),
  EMPTY_VARIABLE: e(
    'Empty policy variable. Remove the ${ } variable structure or provide a variable within the structure.',
  ),
  VARIABLE_UNSUPPORTED_IN_ELEMENT: e(
    'Policy variables are supported in the Resource and Condition elements. Remove the policy variable ' +
    '{{variable}} from this element.',
  ),
  VARIABLE_UNSUPPORTED_IN_VERSION: e(
    'To include variables in your policy, use the policy version 2012-10-17 or later.',
  ),
  PRIVATE_IP_ADDRESS: e(
    'aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include only ' +
    'private IP addresses and will not have the desired effect. Update the value to include only public IP ' +
    'addresses.',
  ),
  PRIVATE_NOT_IP_ADDRESS: e(
    'The values for condition key aws:SourceIp include only private IP addresses and has no effect. aws:SourceIp ' +
    'works only for public IP address ranges. Update the value to include only public IP addresses.',
  ),
  POLICY_SIZE_EXCEEDS_SCP_QUOTA: e(
    'The {{policySize}} characters in the service control policy (SCP) exceed the {{policySizeQuota}} character ' +
    'maximum for SCPs. We recommend that you use multiple granular policies.',
  ),
  INVALID_SERVICE_PRINCIPAL_FORMAT: e(
    'The service principal does not match the expected format. Use the format {{expectedFormat}}.',
  ),
  MISSING_TAG_KEY_IN_CONDITION: e(
    'The condition key {{conditionKeyName}} must include a tag key to control access based on tags. Use the format ' +
    '{{conditionKeyName}}tag-key and specify a key name for tag-key.',
  ),
  INVALID_VPC_FORMAT: e(
    'The VPC identifier in the condition key value is not valid. Use the prefix \'vpc-\' followed by 8 or 17 ' +
    'alphanumeric characters.',
  ),
  INVALID_VPCE_FORMAT: e(
    'The VPCE identifier in the condition key value is not valid.  Use the prefix \'vpce-\' followed by 8 or 17 ' +
    'alphanumeric characters.',
  ),
  FEDERATED_PRINCIPAL_NOT_SUPPORTED: e(
    'The policy type does not support a federated identity provider in the principal element. Use a supported ' +
    'principal.',
  ),
  ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL: e(
    'Role trust policies do not support NotPrincipal. Update the policy to use a Principal element instead.',
  ),
  ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL: e(
    '"Principal:" "*" is not supported in the principal element of a role trust policy. Replace the wildcard with ' +
    'a valid principal value.',
  ),
  ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE: e(
    'Role trust policies apply to the role that they are attached to. You cannot specify a resource. Remove the ' +
    'Resource or NotResource element.',
  ),
  TYPE_MISMATCH_IP_RANGE: e(
    'The condition operator {{operator}} is used with an invalid IP range value. Specify the IP range in standard ' +
    'CIDR format.',
  ),
  INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY: e(
    'The principal value specifies a federated principal that does not match the expected format. Update the ' +
    'federated principal to a domain name or a SAML metadata ARN.',
  ),
  MISMATCHED_ACTION_FOR_PRINCIPAL: e(
    'The {{actionName}} action is invalid with the following principal(s): {{principalNames}}. Use a SAML provider ' +
    'principal with the sts:AssumeRoleWithSAML action or use an OIDC provider principal with the ' +
    'sts:AssumeRoleWithWebIdentity action. Ensure the provider is Federated if you use either of the two options.',
  ),
  MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY: e(
    'The rolesanywhere.amazonaws.com service principal requires the sts:AssumeRole, sts:SetSourceIdentity, and ' +
    'sts:TagSession permissions to assume a role. Add the missing permissions to the policy.',
  ),
  POLICY_SIZE_EXCEEDS_RCP_QUOTA: e(
    'The {{policySize}} characters in the resource control policy (RCP) exceed the {{policySizeQuota}} character ' +
    'maximum for RCPs. We recommend that you use multiple granular policies.',
  ),
  RCP_SYNTAX_ERROR_PRINCIPAL: e(
    'The Principal element contents are not valid. RCPs only support specifying all principals ("*") in the ' +
    'Principal element. The NotPrincipal element is not supported for RCPs.',
  ),
  RCP_SYNTAX_ERROR_ALLOW: e(
    'RCPs only support specifying all principals ("*") in the Principal element, all resources ("*") in the ' +
    'Resource element, and no Condition element with an effect of Allow.',
  ),
  RCP_SYNTAX_ERROR_NOTACTION: e('RCPs do not support the NotAction element. Update to use the Action element.'),
  RCP_SYNTAX_ERROR_ACTION: e(
    'RCPs only support specifying select service prefixes in the Action element. Learn more here.',
  ),
  MISSING_ARN_ACCOUNT: e(
    'The resource {{resourceName}} in the arn is missing an account id. Please provide a 12 digit account id.',
  ),

  // General warnings
  CREATE_SLR_WITH_NOT_RESOURCE: w(
    'Using the iam:CreateServiceLinkedRole action with NotResource can allow creation of unintended service-linked ' +
    'roles for multiple resources. We recommend that you specify resource ARNs instead.',
  ),
  CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE: w(
    'Using an action with a wildcard(*) and NotResource can allow creation of unintended service-linked roles ' +
    'because it can allow iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you ' +
    'specify resource ARNs instead.',
  ),
  CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE: w(
    'Using NotAction with NotResource can allow creation of unintended service-linked roles because it allows ' +
    'iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource ARNs ' +
    'instead.',
  ),
  CREATE_SLR_WITH_STAR_IN_RESOURCE: w(
    'Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of ' +
    'unintended service-linked roles. We recommend that you specify resource ARNs instead.',
  ),
  CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE: w(
    'Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles ' +
    'because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify ' +
    'resource ARNs instead.',
  ),
  CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION: w(
    'Using a resource with wildcards (*) and NotAction can allow creation of unintended service-linked roles ' +
    'because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify ' +
    'resource ARNs instead.',
  ),
  INVALID_DATE_VALUE: w(
    'The date {{date}} might not resolve as expected. We recommend that you use the YYYY-MM-DD format.',
  ),
  INVALID_ROLE_REFERENCE: w(
    'The Principal element includes the IAM role ID {{roleid}}. We recommend that you use a role ARN instead.',
  ),
  INVALID_USER_REFERENCE: w(
    'The Principal element includes the IAM user ID {{userid}}. We recommend that you use a user ARN instead.',
  ),
  MISSING_VERSION: w(
    'We recommend that you specify the Version element to help you with debugging permission issues.',
  ),
  UNIQUE_SIDS_RECOMMENDED: w(
    'We recommend that you use statement IDs that are unique to your policy. Update the Sid value.',
  ),
  WILDCARD_WITHOUT_LIKE_OPERATOR: w(
    'Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), update the condition ' +
    'operator to include Like.',
  ),
  POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA: w(
    'The {{policySize}} characters in the identity policy, excluding whitespace, exceed the {{policySizeQuota}} ' +
    'character maximum for inline and managed policies. We recommend that you use multiple granular policies.',
  ),
  POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA: w(
    'The {{policySize}} characters in the resource policy exceed the {{policySizeQuota}} character maximum for ' +
    'resource policies. We recommend that you use multiple granular policies.',
  ),
  TYPE_MISMATCH: w(
    'Use the operator type {{allowed}} instead of operator {{operator}} for the condition key {{key}}.',
  ),
  TYPE_MISMATCH_BOOLEAN: w('Add a valid Boolean value (true or false) for the condition operator {{operator}}.'),
  TYPE_MISMATCH_DATE: w(
    'The date condition operator is used with an invalid value. Specify a valid date using YYYY-MM-DD or other ISO ' +
    '8601 date/time format.',
  ),
  TYPE_MISMATCH_NUMBER: w('Add a valid numeric value for the condition operator {{operator}}.'),
  TYPE_MISMATCH_STRING: w('Add a valid base64-encoded string value for the condition operator {{operator}}.'),
  SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED: w(
    'Using a wildcard (*) in token.actions.githubusercontent.com:sub can allow requests from more sources than you ' +
    'intended. Specify the value of token.actions.githubusercontent.com:sub with the repository and branch name. ' +
    'If the subject claim does not include the branch, specify it in a token.actions.githubusercontent.com:ref ' +
    'condition key.',
  ),
  POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA: w(
    'The characters in the role trust policy, excluding whitespace, exceed the character maximum. We recommend ' +
    'that you request a role trust policy length quota increase using Service Quotas and AWS Support Center. If ' +
    'the quotas have already been increased, then you can ignore this warning.',
  ),

  // Security warnings
  ALLOW_WITH_NOT_PRINCIPAL: sw(
    'Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.',
  ),
  FORALLVALUES_WITH_SINGLE_VALUED_KEY: sw(
    'Using ForAllValues qualifier with the single-valued condition key {{key}} can be overly permissive. We ' +
    'recommend that you remove ForAllValues:.',
  ),
  PASS_ROLE_WITH_NOT_RESOURCE: sw(
    'Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole ' +
    'permissions on multiple resources. We recommend that you specify resource ARNs instead.',
  ),
  PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE: sw(
    'Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow ' +
    'iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.',
  ),
  PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE: sw(
    'Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions on ' +
    'multiple resources.. We recommend that you specify resource ARNs instead.',
  ),
  PASS_ROLE_WITH_STAR_IN_RESOURCE: sw(
    'Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows ' +
    'iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the ' +
    'iam:PassedToService condition key to your statement.',
  ),
  PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE: sw(
    'Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole ' +
    'permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService ' +
    'condition key to your statement.',
  ),
  PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION: sw(
    'Using a resource with wildcards (*) and NotAction can be overly permissive because it allows iam:PassRole ' +
    'permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService ' +
    'condition key to your statement.',
  ),
  MISSING_PAIRED_CONDITION_KEYS: sw(
    'Using the condition key {{conditionKeyName}} can be overly permissive without also using the following ' +
    'condition keys: {{recommendedKeys}}. Condition keys like this one are more secure when paired with a related ' +
    'key. We recommend that you add the related condition keys to the same condition block.',
  ),
  RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL: sw(
    'Granting access to a service principal without specifying a source is overly permissive. Use aws:SourceArn, ' +
    'aws:SourceAccount, aws:SourceOrgID, or aws:SourceOrgPaths condition key to grant fine-grained access.',
  ),
  MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL: sw(
    'Using an Open ID Connect principal without a condition can be overly permissive. Add condition keys with a ' +
    'prefix that matches your federated OIDC principals to ensure that only the intended identity provider assumes ' +
    'the role.',
  ),
  MISSING_GITHUB_REPO_CONDITION_KEY: sw(
    'Granting a federated GitHub principal permissions without a condition key can allow more sources to assume ' +
    'the role than you intended. Add the token.actions.githubusercontent.com:sub condition key and specify the ' +
    'branch and repository name in the value.',
  ),
  STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS: sw(
    'Use the operator type {{allowed}} instead of operator {{operator}} for the condition key {{key}}.',
  ),
  S3_PREFIX_IN_NEGATIVE_CONTEXT: sw(
    'Using the s3:prefix condition key in a Deny statement or with a negated string operator does not block ' +
    'listing the objects under the matching prefixes. A request that specifies a shorter prefix does not match the ' +
    'condition and can still list those objects. To restrict listing to specific prefixes, use s3:prefix with ' +
    'StringLike in an Allow statement, or use a Deny statement with StringNotLike.',
  ),

  // Suggestions
  EMPTY_ARRAY_ACTION: s('This statement includes no actions and does not affect the policy. Specify actions.'),
  EMPTY_ARRAY_CONDITION: s(
    'There are no values for the condition key {{key}} and it does not affect the policy. Specify conditions.',
  ),
  EMPTY_ARRAY_CONDITION_FORALLVALUES: s(
    'The ForAllValues prefix with an empty condition key matches only if the key {{key}} is missing from the ' +
    'request context. To determine if the request context is empty, we recommend that you use the Null condition ' +
    'operator with the value of true instead.',
  ),
  EMPTY_ARRAY_CONDITION_FORANYVALUE: s(
    'The ForAnyValue prefix with an empty condition key {{key}} never matches the request context and it does not ' +
    'affect the policy. Specify conditions.',
  ),
  EMPTY_ARRAY_CONDITION_IFEXISTS: s(
    'The IfExists suffix with an empty condition key matches only if the key {{key}} is missing from the request ' +
    'context. To determine if the request context is empty, we recommend that you use the Null condition operator ' +
    'with the value of true instead.',
  ),
  EMPTY_ARRAY_PRINCIPAL: s(
    'This statement includes no principals and does not affect the policy. Specify principals.',
  ),
  EMPTY_ARRAY_RESOURCE: s('This statement includes no resources and does not affect the policy. Specify resources.'),
  EMPTY_OBJECT_CONDITION: s('This condition block is empty and it does not affect the policy. Specify conditions.'),
  EMPTY_OBJECT_PRINCIPAL: s(
    'This statement includes no principals and does not affect the policy. Specify principals.',
  ),
  EMPTY_SID_VALUE: s('Add a value to the empty string in the Sid element.'),
  IMPROVE_IP_RANGE: s(
    'The non-zero bits in the IP address after the masked bits are ignored. Replace address with {{addr}}.',
  ),
  NULL_WITH_QUALIFIER: s(
    'Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers because they always ' +
    'return a true or false respectively.',
  ),
  PRIVATE_IP_ADDRESS_SUBSET: s(
    'The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private ' +
    'addresses will not have the desired effect. aws:SourceIp works only for public IP address ranges. To define ' +
    'permissions for private IP ranges, use aws:VpcSourceIp.',
  ),
  PRIVATE_NOT_IP_ADDRESS_SUBSET: s(
    'The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private ' +
    'addresses have no effect. aws:SourceIp works only for public IP address ranges. To define permissions for ' +
    'private IP ranges, use aws:VpcSourceIp.',
  ),
  REDUNDANT_ACTION: s(
    'The {{redundantActionCount}} action(s) are redundant because they provide similar permissions. Update the ' +
    'policy to remove the redundant action such as: {{redundantAction}}.',
  ),
  REDUNDANT_CONDITION_VALUE_NUM: s(
    'Multiple values in {{operator}} are redundant. Replace with the {{greatest/least}} single value for {{key}}.',
  ),
  REDUNDANT_RESOURCE: s(
    'The {{redundantResourceCount}} resource ARN(s) are redundant because they reference the same resource. Review ' +
    'the use of wildcards (*)',
  ),
  REDUNDANT_STATEMENT: s(
    'The statements are redundant because they provide identical permissions. Update the policy to remove the ' +
    'redundant statement.',
  ),
  WILDCARD_IN_SERVICE_NAME: s(
    'Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS ' +
    'services with similar names.',
  ),
  IRRELEVANT_CONDITION_KEY_IN_POLICY: s(
    'The condition key {{condition-key}} is not relevant for the {{resource-type}} policy.  Use this key in an ' +
    'identity-based policy to govern access to this resource.',
  ),
  REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY: s(
    'The assumed-role principal {{redundant_principal}} is redundant with its parent role {{parent_role}}. Remove ' +
    'the assumed-role principal.',
  ),
} as const satisfies Record<string, IssueDefinition>;
