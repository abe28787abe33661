// graphql-http's GraphQL-over-HTTP server audit against a running service: node audit.mjs <url>
// Prints one JSON array of {id, name, status, reason?, status code, body} and exits 0 when it ran.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}
const results = await auditServer({ url });
const report = await Promise.all(
  results.map(async (result) => {
    if (result.status === 'ok') return { id: result.id, name: result.name, status: 'ok' };
    let body = '';
    try {
      body = (await result.response.text()).slice(0, 500);
    } catch {
      body = '(body already read)';
    }
    return {
      id: result.id,
      name: result.name,
      status: result.status,
      reason: result.reason,
      httpStatus: result.response.status,
      contentType: result.response.headers.get('content-type'),
      body,
    };
  }),
);
console.log(JSON.stringify(report));
