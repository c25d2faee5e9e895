package io.coursewire.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

/**
 * The console's sessions, in memory: an instance restart signs operators out, which is cheaper than
 * storing secrets. Only a correct admin token creates one, so no unauthenticated client can fill the
 * map; it is bounded all the same, the oldest session giving way to a new one.
 */
@Singleton
public class ConsoleSessions {

    public static final Duration LIFETIME = Duration.ofHours(8);
    static final int MAX_SESSIONS = 1_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** {@code csrf}: the session's own token for its forms. {@code notice}: one message for the next page. */
    public static final class Session {
        final String id;
        final String csrf;
        final Instant expiresAt;
        private volatile String notice;

        Session(String id, String csrf, Instant expiresAt) {
            this.id = id;
            this.csrf = csrf;
            this.expiresAt = expiresAt;
        }

        public String csrf() {
            return csrf;
        }

        public void notice(String message) {
            notice = message;
        }

        /** The notice, once: a reload does not show it again. */
        public synchronized String takeNotice() {
            String n = notice;
            notice = null;
            return n;
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    public ConsoleSessions() {
        this(Clock.systemUTC());
    }

    ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    /** 256 random bits, base64url: unguessable ids and CSRF tokens. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public synchronized Session create() {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> !now.isBefore(s.expiresAt));
        }
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min(Comparator.comparing(s -> s.expiresAt)).ifPresent(s -> sessions.remove(s.id));
        }
        Session s = new Session(randomToken(), randomToken(), now.plus(LIFETIME));
        sessions.put(s.id, s);
        return s;
    }

    /** The live session of this id; an expired one is ended here (the cookie's Max-Age aside). */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(s.expiresAt)) {
            sessions.remove(id, s);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    public void end(Session s) {
        sessions.remove(s.id, s);
    }

    int size() {
        return sessions.size();
    }
}
