package dev.mxj.ndarray;

import dev.mxj.DeviceHandle;
import dev.mxj.device.Device;
import dev.mxj.device.Storage;
import dev.mxj.engine.Engine;
import dev.mxj.engine.Var;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A block of device storage plus the engine variable that guards it; shared by an array and
 * all its views. Storage goes back to the device only through the engine
 * ({@link Engine#deleteVar}), so it is recycled after the last pushed operation that touches it
 * has run. That happens when the last open array on the chunk is closed, or, for arrays never
 * closed, when the chunk becomes unreachable and its {@link Cleaner} action runs.
 */
final class Chunk {
    /**
     * On a plain daemon thread: {@link Cleaner#create()}'s own thread erases its thread locals
     * before every action, and the engine's inline dispatch keeps one, so each freed array cost
     * a new thread-local map (half of that thread's work in loops that never close temporaries).
     */
    private static final Cleaner CLEANER = Cleaner.create(task -> {
        Thread t = new Thread(task, "mxj-array-cleaner");
        t.setDaemon(true);
        return t;
    });

    final DeviceHandle dev;
    final Storage storage;
    final Var var;
    final long bytes;
    private final AtomicInteger handles = new AtomicInteger();
    private final Cleaner.Cleanable cleanable;

    Chunk(DeviceHandle dev, long bytes) {
        this.dev = dev;
        this.bytes = bytes;
        this.storage = allocate(dev.device(), bytes);
        this.var = Engine.get().newVar();
        // The action must not refer to this chunk, or the chunk would never become unreachable.
        this.cleanable = CLEANER.register(this, new Freer(dev, storage, var, bytes));
    }

    private static Storage allocate(Device device, long bytes) {
        MemoryManager.reserve(bytes);
        try {
            try {
                return device.allocate(bytes);
            } catch (OutOfMemoryError e) {
                // Unreachable arrays may still hold memory: collect, release the pool, try once more.
                MemoryManager.collectAndWait(0);
                device.trimPool();
                return device.allocate(bytes);
            }
        } catch (RuntimeException | Error e) {
            MemoryManager.released(bytes);
            throw e;
        }
    }

    void retain() { handles.incrementAndGet(); }

    /** One array on this chunk was closed; free the storage when it was the last. */
    void release() {
        if (handles.decrementAndGet() == 0) cleanable.clean();
    }

    /** Free now, whatever other arrays share the chunk (runs at most once). */
    void free() { cleanable.clean(); }

    /** Runs once: schedules the storage's return after every operation pushed on the chunk so far. */
    private record Freer(DeviceHandle dev, Storage storage, Var var, long reserved) implements Runnable {
        @Override public void run() {
            Engine.get().deleteVar(rc -> {
                try {
                    dev.device().release(storage);
                } finally {
                    MemoryManager.released(reserved);
                }
            }, dev.execContext(), var);
        }
    }
}
