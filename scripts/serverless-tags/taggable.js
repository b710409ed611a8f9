'use strict';

// Which CloudFormation resource types take a `Tags` property (a list of { Key, Value }), and which
// do not, for every type our templates hold (CloudFormation's template reference, each type's page).
// The packaged-template test fails on a type in neither list: whoever adds one says which it is.
// An untagged type is still covered by the stack's tags where its service propagates them.

const TAGGABLE = [
  'AWS::ApiGateway::ApiKey',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::UsagePlan',
  'AWS::CloudWatch::Alarm',
  'AWS::CodeDeploy::Application',
  'AWS::DynamoDB::Table',
  'AWS::IAM::Role',
  'AWS::Kinesis::Stream',
  'AWS::KMS::Key',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::OpenSearchService::Domain',
  'AWS::S3::Bucket',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
];

const UNTAGGABLE = [
  'AWS::ApiGateway::Authorizer',
  'AWS::ApiGateway::Deployment', // its stage is tagged by the framework after deploy, from provider.tags
  'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::UsagePlanKey',
  'AWS::CloudWatch::Dashboard',
  'AWS::CodeDeploy::DeploymentGroup',
  'AWS::Events::Rule', // its Tags are only for ECS targets, not the rule
  'AWS::IAM::Policy',
  'AWS::KMS::Alias',
  'AWS::Lambda::Alias',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::Permission',
  'AWS::Lambda::Version',
  'AWS::Logs::SubscriptionFilter',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::Subscription',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
];

module.exports = { TAGGABLE: new Set(TAGGABLE), UNTAGGABLE: new Set(UNTAGGABLE) };
