package io.coursewire.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Which files are the H2 database's, from its JDBC URL (io.coursewire.config.DatabaseLocation writes it). */
class StoreSizesTest {

    @Test
    void theDatabaseFileComesFromAnH2FileUrl() {
        assertThat(StoreSizes.h2File("jdbc:h2:file:/var/lib/coursewire/db/coursewire;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=8192"))
                .isEqualTo(Path.of("/var/lib/coursewire/db/coursewire"));
        assertThat(StoreSizes.h2File("jdbc:h2:/srv/db/coursewire")).isEqualTo(Path.of("/srv/db/coursewire"));
        assertThat(StoreSizes.h2File("jdbc:h2:mem:test")).isNull();
        assertThat(StoreSizes.h2File("jdbc:h2:tcp://db/coursewire")).isNull();
        assertThat(StoreSizes.h2File("jdbc:postgresql://db:5432/coursewire")).isNull();
    }
}
