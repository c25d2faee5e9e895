package io.coursewire.admin;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.delivery.Replay;
import io.coursewire.problem.ProblemException;

/** A replay is answered only once its delivery is durable; a broker that cannot take it yields 503. */
@Singleton
public class ReplayRequests {

    private final Replay replay;

    @Inject
    public ReplayRequests(Replay replay) {
        this.replay = replay;
    }

    void send(String eventId, long eventAcceptedAt, String target, byte[] json) throws InterruptedException {
        try {
            replay.enqueue(eventId, eventAcceptedAt, target, json).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ProblemException.unavailable("the replay could not be stored; retry later", 5);
        }
    }
}
