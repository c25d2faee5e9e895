import java.nio.file.Path;

import io.coursewire.support.ExternalArtemis;
import io.coursewire.support.ExternalPostgres;

/**
 * The engines of profile cluster for bench/cluster.sh: an ActiveMQ Artemis 2.40.0 broker from its own
 * distribution (login required, deploy/artemis/coursewire-broker-settings.xml applied) and a PostgreSQL
 * server, started with the test suite's own launchers (src/test/java/io/coursewire/support). Prints the
 * settings the instances need as shell assignments, then keeps both running until stdin closes or it is
 * killed; "stop-broker" / "start-broker" on stdin stop and start the broker.
 *
 *   java -cp target/test-classes:<test classpath> bench/ClusterEngines.java <work dir>
 */
public class ClusterEngines {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        try (ExternalArtemis broker = ExternalArtemis.create(work.resolve("artemis"), "coursewire", "bench-broker-secret").start();
                ExternalPostgres database = ExternalPostgres.start(work.resolve("postgres"))) {
            System.out.println("BROKER_URL=" + broker.url());
            System.out.println("BROKER_USER=" + broker.user());
            System.out.println("BROKER_PASSWORD=" + broker.password());
            System.out.println("DB_URL=" + database.jdbcUrl());
            System.out.println("DB_USER=" + database.username());
            System.out.println("DB_PASSWORD=" + database.password());
            System.out.println("BROKER_PID=" + broker.pid());
            System.out.println("READY");
            System.out.flush();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
            for (String line; (line = in.readLine()) != null;) {
                switch (line.trim()) {
                    case "stop-broker" -> broker.stop();
                    case "start-broker" -> broker.start();
                    default -> { }
                }
                System.out.println("OK " + line.trim());
                System.out.flush();
            }
        }
    }
}
