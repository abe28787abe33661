// The benchmark's peer: the project's graph served by @neo4j/graphql on @apollo/server (bench/peer.py).
// Settings from the environment: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, PEER_PORT, PEER_TYPEDEFS (a file).
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const typeDefs = readFileSync(process.env.PEER_TYPEDEFS ?? new URL("./typedefs.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(
    process.env.NEO4J_URI ?? "bolt://127.0.0.1:7687",
    neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD ?? "neo4j"),
);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema });
const port = Number(process.env.PEER_PORT ?? 4000);
const { url } = await startStandaloneServer(server, {
    listen: { port, host: "127.0.0.1" },
    context: async () => ({}),
});
console.log(`peer ready at ${url}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, async () => {
        await server.stop();
        await driver.close();
        process.exit(0);
    });
}
