package io.coursewire.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Puts the embedded H2 database under {@code coursewire.data-dir} by default. H2 refuses paths that
 * are implicitly relative, and a config expression cannot make a path absolute, so the URL is
 * derived here. Its ordinal is below application.properties: an operator's
 * {@code quarkus.datasource.jdbc.url} (PostgreSQL, say) always wins.
 */
public class DatabaseLocation implements ConfigSourceFactory {

    private static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue dataDir = context.getValue("coursewire.data-dir");
        String dir = dataDir == null || dataDir.getValue() == null ? "data" : dataDir.getValue();
        Path db = Path.of(dir).toAbsolutePath().normalize().resolve("db").resolve("coursewire");
        // An 8 MB page cache (H2 defaults to 16 MB): the tables are written far more than read. Pages
        // compressed (LZF) as they are written: 681 bytes of database per event instead of 1,397
        // (78,000 TagMango events, bench/README.md), ingest within the VM's run-to-run noise.
        String url = "jdbc:h2:file:" + db + ";DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=8192;COMPRESS=TRUE";
        return List.of(new PropertiesConfigSource(Map.of("quarkus.datasource.jdbc.url", url), "coursewire-database-location", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
