// Starts the Cosmos-protocol test server on a free loopback port and prints the port.
//
//   node start_cosmos_server.js [--batch]
//
// The server keeps everything in memory and serves HTTPS with the self-signed certificate that
// ships in its package. It stops when its parent closes our standard input, so a test run that
// dies never leaves a server behind.
//
// Two answers are brought closer to Azure's; the store's code is the same for both servers:
//
// - reading an item that does not exist answers 404 NotFound, as Azure does, where the package
//   throws and answers 500. Point reads rely on that 404.
// - with --batch, a transactional batch takes its partition key from the request header, as
//   Azure does (the package expects it on every operation and fails the whole request). The
//   package still runs the operations one by one and does not roll back; tests that need the
//   all-or-nothing behaviour run against Azure.

"use strict";

const readDocument = require("@vercel/cosmosdb-server/lib/handler/read-document");
const partitionHeader = require("@vercel/cosmosdb-server/lib/utils/get-partition-from-header");
const json = require("@vercel/cosmosdb-server/lib/json");
const trueHeader = require("@vercel/cosmosdb-server/lib/true-header");

const PARTITION_KEY_HEADER = "x-ms-documentdb-partitionkey";
const BATCH_HEADER = "x-ms-cosmos-is-batch-request";

// Patched before the package's router is loaded, which keeps a reference to each handler.
const readExisting = readDocument.default;
readDocument.default = (account, req, res, params) => {
  const collection = account.database(params.dbId).collection(params.collId);
  const key = partitionHeader.parsePartitionKey(partitionHeader.default(req), params.docId);
  if (collection.read() && !collection.document(params.docId, key).read()) {
    res.statusCode = 404;
    return {
      code: "NotFound",
      message: "Entity with the specified id does not exist in the system.",
    };
  }
  return readExisting(account, req, res, params);
};

if (process.argv.includes("--batch")) {
  // Handlers look this function up on every call, so replacing it here is enough.
  const readBody = json.default;
  json.default = async (req) => {
    const body = await readBody(req);
    if (trueHeader.default(req, BATCH_HEADER) && Array.isArray(body)) {
      for (const operation of body) {
        operation.partitionKey = operation.partitionKey ?? req.headers[PARTITION_KEY_HEADER];
      }
    }
    return body;
  };
}

const { createHttpsServer } = require("@vercel/cosmosdb-server");

// Keep-alive spares a TLS handshake per request, which dominates the suite's time otherwise.
const server = createHttpsServer({ keepAlive: true });

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});

process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
