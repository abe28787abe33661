// The benchmark's peer: the project's graph served by @neo4j/graphql on @apollo/server (bench/peer.py).
// Settings from the environment: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, PEER_PORT, PEER_TYPEDEFS (a file),
// PEER_WORKERS (Node processes sharing the port through node:cluster, as a production deployment on
// several cores would run it; default 1). "peer ready" is printed once every process listens.
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const workers = Math.max(1, Number(process.env.PEER_WORKERS ?? 1));
const port = Number(process.env.PEER_PORT ?? 4000);

async function serve() {
    const typeDefs = readFileSync(process.env.PEER_TYPEDEFS ?? new URL("./typedefs.graphql", import.meta.url), "utf8");
    const driver = neo4j.driver(
        process.env.NEO4J_URI ?? "bolt://127.0.0.1:7687",
        neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD ?? "neo4j"),
    );
    const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
    const server = new ApolloServer({ schema });
    const { url } = await startStandaloneServer(server, {
        listen: { port, host: "127.0.0.1" },
        context: async () => ({}),
    });
    for (const signal of ["SIGTERM", "SIGINT"]) {
        process.on(signal, async () => {
            await server.stop();
            await driver.close();
            process.exit(0);
        });
    }
    return url;
}

if (workers === 1) {
    const url = await serve();
    console.log(`peer ready at ${url} (1 process)`);
} else if (cluster.isPrimary) {
    let listening = 0;
    cluster.on("listening", () => {
        listening += 1;
        if (listening === workers) console.log(`peer ready at http://127.0.0.1:${port}/ (${workers} processes)`);
    });
    cluster.on("exit", (worker, code) => {
        console.log(`peer process ${worker.process.pid} exited (${code})`);
        process.exit(1);
    });
    for (let i = 0; i < workers; i += 1) cluster.fork();
    for (const signal of ["SIGTERM", "SIGINT"]) {
        process.on(signal, () => {
            cluster.removeAllListeners("exit");
            for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
            process.exit(0);
        });
    }
} else {
    await serve();
}
