package io.coursewire.eventlog;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.inject.Qualifier;

/**
 * The service's database once its schema is current ({@link Migrations}): whoever reads or writes the
 * tables injects {@code @Migrated DataSource}, so the migrations have run before its first statement,
 * whichever thread gets there first.
 */
@Qualifier
@Retention(RUNTIME)
@Target({ FIELD, METHOD, PARAMETER })
public @interface Migrated {
}
