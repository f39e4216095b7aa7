// Runs CDK's Provider framework, as its own Lambda function would, on the one
// CloudFormation request read from stdin: aws-cdk-lib's real onEvent handler
// (examples/cdk/node_modules) invokes the user function through the AWS SDK
// (@aws-sdk/client-lambda, pointed at the local Invoke API by
// AWS_ENDPOINT_URL_LAMBDA) and PUTs the answer to the ResponseURL itself.
//
// One adaptation: the framework PUTs to the URL's host on port 443; the local
// receiver listens elsewhere, so the port is added to the framework's request.
'use strict';
const path = require('node:path');

const runtime = path.join(
  process.env.CDK_EXAMPLE_DIR,
  'node_modules/aws-cdk-lib/custom-resources/lib/provider-framework/runtime',
);
const outbound = require(path.join(runtime, 'outbound.js'));
const framework = require(path.join(runtime, 'framework.js'));

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const { port } = new URL(event.ResponseURL);
  const put = outbound.httpRequest;
  outbound.httpRequest = (options, body) => put({ ...options, port }, body);
  await framework.onEvent(event);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
