/**
 * What makes a principal's permissions dangerous (issue #18, after Security Monkey): the actions that
 * give away the account or its data on their own, and the IAM privilege-escalation methods, each a
 * set of actions that together let a principal give itself more permissions.
 *
 * The escalation methods are Rhino Security Labs' list, "AWS IAM Privilege Escalation – Methods and
 * Mitigation" (https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/),
 * numbered as there. Pure data.
 */
import type { Severity } from './posture-types.js';

/**
 * The resources an action is checked on: "on every resource" means on `*`, or on the whole service —
 * every bucket, every object, every IAM user, role, group or policy of the account. The engine is
 * asked about a resource whose name is a literal `*` (`arn:aws:s3:::*`), which only a pattern that
 * covers every name (`*`, `arn:aws:s3:::*`, `arn:aws:iam::*:user/*`) matches: a grant on
 * `arn:aws:s3:::prod-*` or on `user/${aws:username}` is not on every resource.
 */
export type ActionScope = 'any' | 'bucket' | 'object' | 'iam' | 'iam-user' | 'iam-group' | 'iam-role' | 'iam-policy';

export function scopeResource(scope: ActionScope, accountId: string): string {
  switch (scope) {
    case 'any':
      return '*';
    case 'bucket':
      return 'arn:aws:s3:::*';
    case 'object':
      return 'arn:aws:s3:::*/*';
    case 'iam':
      return `arn:aws:iam::${accountId}:*`;
    case 'iam-user':
      return `arn:aws:iam::${accountId}:user/*`;
    case 'iam-group':
      return `arn:aws:iam::${accountId}:group/*`;
    case 'iam-role':
      return `arn:aws:iam::${accountId}:role/*`;
    case 'iam-policy':
      return `arn:aws:iam::${accountId}:policy/*`;
  }
}

/** Why an action is dangerous on its own; absent for an action that only counts within a method. */
export type Risk = 'administrator' | 'data-exposure' | 'pass-role' | 'privilege-escalation';

export const RISK_SEVERITY: Readonly<Record<Risk, Severity>> = {
  administrator: 'CRITICAL',
  'privilege-escalation': 'CRITICAL',
  'data-exposure': 'HIGH',
  'pass-role': 'HIGH',
};

export interface DangerousAction {
  /** As reported: `*:*`, `s3:*`, `iam:PassRole`. A wildcard is asked of the engine literally. */
  readonly action: string;
  readonly scope: ActionScope;
  readonly risk?: Risk;
  /** Counted only when these are allowed too: what the action implies, checked whole. */
  readonly implies?: readonly string[];
}

/**
 * Every action the analysis asks the engine about, once per principal. A wildcard action (`s3:*`)
 * counts as allowed when an Allow statement grants it whole (`s3:*`, `*`, or a NotAction that leaves
 * the service out) and no Deny statement takes it away whole; a Deny of a single action shows in the
 * single actions checked beside it.
 */
export const DANGEROUS_ACTIONS: readonly DangerousAction[] = [
  // Security Monkey's list: administrators and whole services.
  // A NotAction that leaves a service out (`"NotAction": "iam:*"`, PowerUserAccess) or a Deny of a whole
  // service also lets the literal `*:*` through: administrator only when the services are whole too.
  { action: '*:*', scope: 'any', risk: 'administrator', implies: ['iam:*', 's3:*'] },
  // iam:* lets a principal attach AdministratorAccess to itself: as good as *:*.
  { action: 'iam:*', scope: 'iam', risk: 'administrator' },
  { action: 's3:*', scope: 'bucket', risk: 'data-exposure' },
  // Each can make any bucket or object public, or hand it to another account.
  { action: 's3:PutBucketAcl', scope: 'bucket', risk: 'data-exposure' },
  { action: 's3:PutBucketPolicy', scope: 'bucket', risk: 'data-exposure' },
  { action: 's3:PutObjectAcl', scope: 'object', risk: 'data-exposure' },
  // Lends any role's permissions to a service or instance the principal controls.
  { action: 'iam:PassRole', scope: 'iam-role', risk: 'pass-role' },
  // Escalation methods that take one action (Rhino 1, 2, 4-13).
  { action: 'iam:CreatePolicyVersion', scope: 'iam-policy', risk: 'privilege-escalation' },
  { action: 'iam:SetDefaultPolicyVersion', scope: 'iam-policy', risk: 'privilege-escalation' },
  // On other users: a grant on `user/${aws:username}` (self-service) is not on every user.
  { action: 'iam:CreateAccessKey', scope: 'iam-user', risk: 'privilege-escalation' },
  { action: 'iam:CreateLoginProfile', scope: 'iam-user', risk: 'privilege-escalation' },
  { action: 'iam:UpdateLoginProfile', scope: 'iam-user', risk: 'privilege-escalation' },
  { action: 'iam:AttachUserPolicy', scope: 'iam-user', risk: 'privilege-escalation' },
  { action: 'iam:AttachGroupPolicy', scope: 'iam-group', risk: 'privilege-escalation' },
  // Rhino pairs AttachRolePolicy and PutRolePolicy with sts:AssumeRole (for a user to reach the role);
  // counted alone here: a role can change its own policies, and every service that uses a role gains.
  { action: 'iam:AttachRolePolicy', scope: 'iam-role', risk: 'privilege-escalation' },
  { action: 'iam:PutUserPolicy', scope: 'iam-user', risk: 'privilege-escalation' },
  { action: 'iam:PutGroupPolicy', scope: 'iam-group', risk: 'privilege-escalation' },
  { action: 'iam:PutRolePolicy', scope: 'iam-role', risk: 'privilege-escalation' },
  { action: 'iam:AddUserToGroup', scope: 'iam-group', risk: 'privilege-escalation' },
  // Partners: dangerous within a method only. Services Strongbox does not serve are checked too:
  // policies copied from AWS name them, and on `*` only (their resources have Regions).
  { action: 'iam:UpdateAssumeRolePolicy', scope: 'iam-role' },
  { action: 'sts:AssumeRole', scope: 'iam-role' },
  { action: 'ec2:RunInstances', scope: 'any' },
  { action: 'lambda:CreateFunction', scope: 'any' },
  { action: 'lambda:InvokeFunction', scope: 'any' },
  { action: 'lambda:CreateEventSourceMapping', scope: 'any' },
  { action: 'lambda:UpdateFunctionCode', scope: 'any' },
  { action: 'glue:CreateDevEndpoint', scope: 'any' },
  { action: 'glue:UpdateDevEndpoint', scope: 'any' },
  { action: 'cloudformation:CreateStack', scope: 'any' },
  { action: 'datapipeline:CreatePipeline', scope: 'any' },
  { action: 'datapipeline:PutPipelineDefinition', scope: 'any' },
];

export interface EscalationMethod {
  /** The method's number in Rhino Security Labs' list. */
  readonly method: number;
  readonly name: string;
  /** All of them must be allowed. */
  readonly actions: readonly string[];
}

const single = (method: number, action: string, name: string): EscalationMethod => ({
  method,
  name,
  actions: [action],
});

export const ESCALATION_METHODS: readonly EscalationMethod[] = [
  single(1, 'iam:CreatePolicyVersion', 'Create a new version of a policy the principal has, as its default'),
  single(2, 'iam:SetDefaultPolicyVersion', 'Make an older, broader version of a policy the default'),
  {
    method: 3,
    name: 'Run an EC2 instance with a more privileged role, and use its credentials',
    actions: ['iam:PassRole', 'ec2:RunInstances'],
  },
  single(4, 'iam:CreateAccessKey', 'Create an access key for another user, and act as that user'),
  single(5, 'iam:CreateLoginProfile', 'Give another user a console password, and sign in as that user'),
  single(6, 'iam:UpdateLoginProfile', "Change another user's console password"),
  single(7, 'iam:AttachUserPolicy', 'Attach any managed policy (AdministratorAccess) to a user'),
  single(8, 'iam:AttachGroupPolicy', 'Attach any managed policy to a group'),
  single(9, 'iam:AttachRolePolicy', 'Attach any managed policy to a role'),
  single(10, 'iam:PutUserPolicy', 'Write any inline policy on a user'),
  single(11, 'iam:PutGroupPolicy', 'Write any inline policy on a group'),
  single(12, 'iam:PutRolePolicy', 'Write any inline policy on a role'),
  single(13, 'iam:AddUserToGroup', 'Join a more privileged group'),
  {
    method: 14,
    name: "Change a role's trust policy to trust the principal, then assume the role",
    actions: ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'],
  },
  {
    method: 15,
    name: 'Pass a role to a new Lambda function, then invoke it',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
  },
  {
    method: 16,
    name: 'Pass a role to a new Lambda function, then trigger it from an event source',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
  },
  single(17, 'lambda:UpdateFunctionCode', 'Replace the code of a Lambda function that has a more privileged role'),
  {
    method: 18,
    name: 'Pass a role to a new Glue development endpoint',
    actions: ['iam:PassRole', 'glue:CreateDevEndpoint'],
  },
  single(19, 'glue:UpdateDevEndpoint', 'Take over a Glue development endpoint that has a more privileged role'),
  {
    method: 20,
    name: 'Pass a role to a new CloudFormation stack',
    actions: ['iam:PassRole', 'cloudformation:CreateStack'],
  },
  {
    method: 21,
    name: 'Pass a role to a new Data Pipeline',
    actions: ['iam:PassRole', 'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition'],
  },
];
