// node audit.mjs http://127.0.0.1:PORT/graphql
//
// Every audit of the GraphQL-over-HTTP spec (MUST, SHOULD and MAY alike)
// and graphql-js's getIntrospectionQuery, as GraphiQL sends it. Prints one
// line per audit that is not ok and exits 1 if there is any.
import { auditServer } from 'graphql-http';
import { getIntrospectionQuery } from 'graphql';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

const failures = [];
const results = await auditServer({ url });
for (const result of results) {
  if (result.status !== 'ok') {
    failures.push(`${result.status} ${result.id} ${result.name}: ${result.reason}`);
  }
}

const introspection = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
});
const response = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
  body: JSON.stringify({ query: introspection }),
});
const body = await response.json();
if (response.status !== 200 || body.errors || !(body.data?.__schema?.types?.length > 0)) {
  failures.push(`getIntrospectionQuery answered ${response.status}: ${JSON.stringify(body).slice(0, 400)}`);
}

for (const failure of failures) console.log(failure);
console.log(`audit: ${results.length + 1 - failures.length} of ${results.length + 1} checks ok`);
process.exit(failures.length === 0 ? 0 : 1);
