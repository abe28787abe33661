package fr.territoires.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Opens an embedded Neo4j Community DBMS with the Bolt connector on 127.0.0.1 and keeps it
 * running until the process is terminated (SIGTERM shuts the database down cleanly).
 *
 * Usage: Launcher --data DIR --bolt-port N [--pagecache 512m] [--tx-timeout-seconds N]
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of("neo4j-data");
        int boltPort = 7687;
        String pageCache = "512m";
        long txTimeoutSeconds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--bolt-port" -> boltPort = Integer.parseInt(args[++i]);
                case "--pagecache" -> pageCache = args[++i];
                case "--tx-timeout-seconds" -> txTimeoutSeconds = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(data);
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(data.toAbsolutePath())
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", boltPort))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pageCache))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                // Netty's quiet period before each of the Bolt server's two event-loop groups ends (5 s each by
                // default) came after the databases had shut down and made every stop 10 s longer.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        if (txTimeoutSeconds > 0) {
            builder.setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeoutSeconds));
        }
        DatabaseManagementService dbms = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));
        System.out.println("neo4j-launcher: bolt://127.0.0.1:" + boltPort + " data=" + data.toAbsolutePath());
        System.out.flush();
        stopped.await();
    }
}
