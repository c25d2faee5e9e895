package io.coursewire.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A real, external ActiveMQ Artemis broker for integration tests: an instance made by the distribution's own
 * {@code artemis create} (login required, NIO journal, no web console, one acceptor on a free port of 127.0.0.1,
 * Coursewire's settings from {@code deploy/artemis/coursewire-broker-settings.xml} applied), run as a child process
 * with {@code artemis run}.
 *
 * <p>{@link #createSharedStorePair} makes a shared-store HA pair (primary and backup on one journal directory);
 * a backup is started with {@link #launch()} (it opens no acceptor until it is live) and watched with
 * {@link #live()} or {@link #awaitLive(Duration)}.
 *
 * <p>The distribution is the one Maven unpacks before the integration tests
 * ({@code target/artemis-dist/apache-artemis-<version>}, system property {@code coursewire.test.artemis-home}).
 */
public final class ExternalArtemis implements AutoCloseable {

    /** Where Maven unpacks the distribution (maven-dependency-plugin, pre-integration-test). */
    public static final String HOME_PROPERTY = "coursewire.test.artemis-home";
    private static final String DEFAULT_HOME = "target/artemis-dist/apache-artemis-2.40.0";
    private static final Path SETTINGS = Paths.get("deploy/artemis/coursewire-broker-settings.xml");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern ACCEPTOR_PORT = Pattern.compile("tcp://127\\.0\\.0\\.1:(\\d+)");

    private final Path instanceDir;
    private final String user;
    private final String password;
    private final int port;
    private volatile Process process;
    private int runs;
    private Path log;
    /** Kills a broker still running when the tests' JVM exits (a test that never closed it). */
    private final Thread shutdownHook = new Thread(() -> {
        Process running = process;
        if (running != null) {
            tree(running.toHandle()).forEach(ProcessHandle::destroyForcibly);
        }
    }, "external-artemis-killer");
    private boolean hookAdded;

    private ExternalArtemis(Path instanceDir, String user, String password, int port) {
        this.instanceDir = instanceDir;
        this.user = user;
        this.password = password;
        this.port = port;
    }

    /**
     * Creates (once) a broker instance in {@code instanceDir} with "artemis create --require-login --user <user>
     * --password <password> --silent ...", on a free port, applying deploy/artemis/coursewire-broker-settings.xml.
     * Does not start it. An instance already created there is taken as it is (its port is read from broker.xml).
     */
    public static ExternalArtemis create(Path instanceDir, String user, String password)
            throws IOException, InterruptedException {
        return create(instanceDir, user, password, List.of());
    }

    /**
     * A shared-store HA pair on this machine: a primary ({@code dir/primary}) and a backup ({@code dir/backup}),
     * each on a free port of its own, login required with the same user and password, Coursewire's settings in
     * both, whose journal, bindings, paging and large-messages directories are one shared directory
     * ({@code dir/shared}): "artemis create --shared-store --failover-on-shutdown --data dir/shared", the backup
     * with {@code --backup}. Whichever holds the shared journal's file lock is live; the backup takes it (and
     * loads the journal: messages, bindings, duplicate-id caches) when the primary dies or shuts down.
     *
     * <p>"artemis create --shared-store" also writes a UDP-multicast broadcast group, discovery group and
     * cluster connection (231.7.7.7:9876). They are removed: clients here are given the static list of both
     * brokers ({@link Pair#url()}), a backup activates on the file lock alone (verified with 2.40.0: "AMQ221010:
     * Backup Server is now active" without them, and only a warning that fail-back requests cannot be heard),
     * and a multicast group would be shared with any other pair on the machine, another test run's included.
     * Without a cluster connection there is no fail-back: a restarted primary waits while the backup is live.
     */
    public static Pair createSharedStorePair(Path dir, String user, String password) throws IOException, InterruptedException {
        dir = dir.toAbsolutePath().normalize();
        Path shared = dir.resolve("shared");
        Files.createDirectories(shared);
        List<String> ha = List.of("--shared-store", "--failover-on-shutdown", "--data", shared.toString());
        ExternalArtemis primary = create(dir.resolve("primary"), user, password, ha);
        List<String> backupHa = new ArrayList<>(ha);
        backupHa.add("--backup");
        ExternalArtemis backup = create(dir.resolve("backup"), user, password, backupHa);
        return new Pair(primary, backup, shared);
    }

    /** Two brokers on one shared store: one is live, the other waits for its file lock. */
    public static final class Pair implements AutoCloseable {
        private final ExternalArtemis primary;
        private final ExternalArtemis backup;
        private final Path sharedDir;

        private Pair(ExternalArtemis primary, ExternalArtemis backup, Path sharedDir) {
            this.primary = primary;
            this.backup = backup;
            this.sharedDir = sharedDir;
        }

        public ExternalArtemis primary() {
            return primary;
        }

        public ExternalArtemis backup() {
            return backup;
        }

        /** The journal, bindings, paging and large-messages directories of both. */
        public Path sharedDir() {
            return sharedDir;
        }

        /** Both, primary first, as a failover list: {@code (tcp://127.0.0.1:p1,tcp://127.0.0.1:p2)}. */
        public String url() {
            return "(" + primary.url() + "," + backup.url() + ")";
        }

        /** Starts the primary and waits until it is live, then the backup, and waits until it waits for the lock. */
        public Pair start() throws IOException, InterruptedException {
            primary.start();
            backup.launch();
            return this;
        }

        /** Kills both. */
        @Override
        public void close() {
            backup.close();
            primary.close();
        }
    }

    private static ExternalArtemis create(Path instanceDir, String user, String password, List<String> options)
            throws IOException, InterruptedException {
        instanceDir = instanceDir.toAbsolutePath().normalize();
        Path brokerXml = instanceDir.resolve("etc/broker.xml");
        if (Files.exists(brokerXml)) {
            Matcher m = ACCEPTOR_PORT.matcher(Files.readString(brokerXml));
            if (!m.find()) {
                throw new IllegalStateException("No acceptor on 127.0.0.1 in " + brokerXml);
            }
            return new ExternalArtemis(instanceDir, user, password, Integer.parseInt(m.group(1)));
        }
        Path home = home();
        int port = freePort();
        Files.createDirectories(instanceDir.getParent());
        Path createLog = Files.createTempFile(instanceDir.getParent(), instanceDir.getFileName() + "-create", ".log");
        List<String> command = new ArrayList<>(List.of(
                artemisScript(home).toString(), "create",
                "--silent", "--require-login", "--user", user, "--password", password,
                "--nio", "--no-autotune", "--no-web",
                "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor",
                "--host", "127.0.0.1", "--default-port", Integer.toString(port),
                "--java-memory", "512m"));
        command.addAll(options);
        command.add(instanceDir.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(createLog.toFile());
        environment(pb.environment(), home);
        Process create = pb.start();
        if (!create.waitFor(120, TimeUnit.SECONDS)) {
            create.destroyForcibly().waitFor();
            throw new IOException("artemis create did not finish in 120 s: " + createLog);
        }
        if (create.exitValue() != 0 || !Files.exists(brokerXml)) {
            throw new IOException("artemis create failed (exit " + create.exitValue() + "):\n" + Files.readString(createLog));
        }
        Files.move(createLog, instanceDir.resolve("create.log"));
        applyCoursewireSettings(brokerXml);
        if (options.contains("--shared-store")) {
            withoutMulticastCluster(brokerXml);
        }
        smallJvm(instanceDir.resolve("etc/artemis.profile"));
        return new ExternalArtemis(instanceDir, user, password, port);
    }

    /**
     * Starts "bin/artemis run" as a child process (output to instanceDir/broker-N.log) and waits until a core
     * client can log in (max 60 s). Can be called again after stop()/kill(): same port, same journal.
     */
    public synchronized ExternalArtemis start() throws IOException, InterruptedException {
        spawn();
        awaitLive(START_TIMEOUT);
        return this;
    }

    /**
     * Starts "bin/artemis run" like {@link #start()}, but returns once the broker says it has started, live
     * ("AMQ221007: Server is now active") or as a backup waiting for its primary's lock ("AMQ221109: ... Backup
     * Server ... started; waiting for primary to fail"), max 60 s: a waiting backup opens no acceptor, so no
     * login could tell. {@link #awaitLive(Duration)} then waits until it is live.
     */
    public synchronized ExternalArtemis launch() throws IOException, InterruptedException {
        spawn();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Broker exited (" + process.exitValue() + ") while starting; log:\n" + tail(log));
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (text.contains("AMQ221007") || text.contains("AMQ221109")) {
                return this;
            }
            Thread.sleep(200); // polling a starting process, not waiting for an outcome
        }
        kill();
        throw new IOException("Broker not started in " + START_TIMEOUT.toSeconds() + " s; log:\n" + tail(log));
    }

    /** Waits until a core client can log in (a backup: once it has become live), at most {@code timeout}. */
    public ExternalArtemis awaitLive(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            Process running = process;
            if (running == null || !running.isAlive()) {
                throw new IOException("Broker not running" + (running == null ? "" : " (exit " + running.exitValue() + ")")
                        + "; log:\n" + tail(log));
            }
            try {
                login();
                return this;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200); // polling a starting process, not waiting for an outcome
        }
        kill();
        throw new IOException("Broker not live in " + timeout.toSeconds() + " s (" + last + "); log:\n" + tail(log));
    }

    /** Whether a core client can log in now (one attempt): the broker is running and live. */
    public boolean live() {
        if (!running()) {
            return false;
        }
        try {
            login();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private void login() throws Exception {
        try (ServerLocator locator = locator();
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(user, password, false, true, true, false, 0)) {
            // logged in
        }
    }

    private void spawn() throws IOException {
        if (running()) {
            throw new IllegalStateException("Broker already running: " + instanceDir);
        }
        do {
            log = instanceDir.resolve("broker-" + (++runs) + ".log");
        } while (Files.exists(log));
        ProcessBuilder pb = new ProcessBuilder(instanceDir.resolve("bin/artemis").toString(), "run")
                .directory(instanceDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb.environment(), home());
        process = pb.start();
        if (!hookAdded) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            hookAdded = true;
        }
    }

    /** Graceful stop (SIGTERM to the broker JVM, which runs its shutdown hook), waits for exit. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = tree(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            kill();
            return;
        }
        awaitExit(tree);
        process = null;
    }

    /** SIGKILL of the broker JVM (the whole process tree), waits for exit. */
    public synchronized void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = tree(process.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
        awaitExit(tree);
        process = null;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public Path instanceDir() {
        return instanceDir;
    }

    /** The output of the latest start (instanceDir/broker-N.log), null before the first. */
    public synchronized Path log() {
        return log;
    }

    /** The broker's JVM (the newest process of the tree "bin/artemis run" started), -1 when not running; for CPU accounting. */
    public synchronized long pid() {
        if (process == null) {
            return -1;
        }
        return tree(process.toHandle()).stream().filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Messages on the queue (scheduled and in delivery included), by a core queue query; 0 for no such queue. */
    public long messageCount(String queue) throws Exception {
        try (ServerLocator locator = locator();
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(user, password, false, true, true, false, 0)) {
            ClientSession.QueueQuery query = session.queueQuery(SimpleString.of(queue));
            return query.isExists() ? query.getMessageCount() : 0;
        }
    }

    /** Kills the broker if it is running. */
    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (hookAdded) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
                hookAdded = false;
            }
        }
    }

    private ServerLocator locator() throws Exception {
        return ActiveMQClient.createServerLocator(url())
                .setInitialConnectAttempts(1)
                .setReconnectAttempts(0)
                .setCallTimeout(5_000)
                .setConnectionTTL(10_000);
    }

    // --- provisioning ---

    private static Path home() {
        Path home = Paths.get(System.getProperty(HOME_PROPERTY, DEFAULT_HOME)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(home.resolve("bin/artemis"))) {
            throw new IllegalStateException("No Artemis distribution at " + home
                    + " (it is unpacked by 'mvn pre-integration-test'; property " + HOME_PROPERTY + ")");
        }
        return home;
    }

    private static Path artemisScript(Path home) {
        Path script = home.resolve("bin/artemis");
        if (!Files.isExecutable(script)) {
            script.toFile().setExecutable(true, false);
        }
        return script;
    }

    private static void environment(Map<String, String> env, Path home) {
        // The broker's JVM is the tests' one; JAVA_ARGS from outside would replace the profile's (heap and all)
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("ARTEMIS_HOME", home.toString());
        env.remove("JAVA_ARGS");
        env.remove("JAVA_ARGS_APPEND");
        env.remove("ARTEMIS_INSTANCE");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** The settings file's address-setting elements into broker.xml's address-settings, its address elements into addresses. */
    static void applyCoursewireSettings(Path brokerXml) throws IOException {
        Path settingsFile = SETTINGS.toAbsolutePath();
        if (!Files.exists(settingsFile)) {
            throw new IllegalStateException("No " + SETTINGS + " (tests run from the project directory)");
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // Not namespace aware: the imported elements then take broker.xml's default namespace (urn:activemq:core)
            factory.setNamespaceAware(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            Document broker = builder.parse(brokerXml.toFile());
            Document settings = builder.parse(settingsFile.toFile());
            merge(broker, settings, "address-settings", "address-setting");
            merge(broker, settings, "addresses", "address");
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.transform(new DOMSource(broker), new StreamResult(brokerXml.toFile()));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Could not apply " + SETTINGS + " to " + brokerXml, e);
        }
    }

    /** Removes broadcast-groups, discovery-groups and cluster-connections (see {@link #createSharedStorePair}). */
    private static void withoutMulticastCluster(Path brokerXml) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            Document broker = factory.newDocumentBuilder().parse(brokerXml.toFile());
            for (String name : List.of("broadcast-groups", "discovery-groups", "cluster-connections")) {
                Element element = single(broker, name);
                element.getParentNode().removeChild(element);
            }
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.transform(new DOMSource(broker), new StreamResult(brokerXml.toFile()));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Could not remove the multicast cluster from " + brokerXml, e);
        }
    }

    private static void merge(Document broker, Document settings, String parentName, String childName) {
        Element target = single(broker, parentName);
        Element source = single(settings, parentName);
        NodeList children = source.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node child = children.item(i);
            if (child.getNodeType() == Node.ELEMENT_NODE && childName.equals(child.getNodeName())) {
                target.appendChild(broker.createTextNode("\n         "));
                target.appendChild(broker.importNode(child, true));
            }
        }
        target.appendChild(broker.createTextNode("\n      "));
    }

    private static Element single(Document document, String name) {
        NodeList found = document.getElementsByTagName(name);
        if (found.getLength() != 1) {
            throw new IllegalStateException("Expected one <" + name + "> element, found " + found.getLength());
        }
        return (Element) found.item(0);
    }

    /** A broker JVM small enough for a 2-core machine running other JVMs: heap from 64 MB up to 512 MB. */
    private static void smallJvm(Path profile) throws IOException {
        String text = Files.readString(profile);
        String small = text.replaceAll("-Xms\\w+", "-Xms64m").replaceAll("-Xmx\\w+", "-Xmx512m");
        if (!small.contains("-Xms64m")) {
            throw new IllegalStateException("No -Xms in " + profile);
        }
        Files.writeString(profile, small);
    }

    // --- processes ---

    private static List<ProcessHandle> tree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        return tree;
    }

    private static void awaitExit(List<ProcessHandle> tree) {
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    private static String tail(Path log) {
        try (InputStream in = Files.newInputStream(log)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.length() > 8_000 ? text.substring(text.length() - 8_000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
