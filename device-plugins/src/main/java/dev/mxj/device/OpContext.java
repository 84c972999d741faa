package dev.mxj.device;

import java.util.random.RandomGenerator;

/** What a running kernel may use besides its tensors (MXNet's OpContext plus resources). */
public interface OpContext {
    Device device();

    /** Training mode (Dropout, BatchNorm). */
    boolean isTrain();

    /** The device's random generator (ops declaring Resource.RANDOM); serialised by the engine. */
    RandomGenerator random();

    /** Scratch memory valid until the kernel returns (ops declaring Resource.TEMP_SPACE). */
    Storage tempSpace(long bytes);

    /** The engine worker's stream on asynchronous devices, or null. */
    Object stream();
}
