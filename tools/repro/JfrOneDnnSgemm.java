import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Reproduces a JVM crash seen while profiling mxj with JFR, without any mxj code: three threads
 * call oneDNN's dnnl_sgemm (the bytedeco 1.5.13 presets) in a loop while JFR's execution sampler
 * runs. On JDK 25.0.3 here, about one run in three aborts with glibc heap corruption ("corrupted
 * size vs. prev_size") or a SIGSEGV in JfrStackTrace::write; with jdk.ExecutionSample disabled,
 * or with OpenBLAS's sgemm instead, it does not. mxj's own blocks were checked with
 * MXJ_CPU_MEMORY_CHECK=1 and stay intact. Run it a few times:
 * {@code java -XX:StartFlightRecording=filename=/tmp/r.jfr,settings=profile --enable-native-access=ALL-UNNAMED
 * -cp $(cat cli/target/classpath.txt) tools/repro/JfrOneDnnSgemm.java}
 */
public class JfrOneDnnSgemm {
    /** A float pointer onto memory owned by an arena, as mxj's GEMM passes its arrays. */
    static final class FloatView extends FloatPointer {
        FloatView(MemorySegment s, long offset) {
            address = s.address() + offset * 4;
            capacity = limit = s.byteSize() / 4 - offset;
        }
    }

    public static void main(String[] args) throws Exception {
        Loader.load(openblas.class);
        openblas.blas_set_num_threads(1);
        Loader.load(dnnl.class);
        if (dnnl.dnnl_engine_create(new dnnl_engine(), dnnl.dnnl_cpu, 0) != dnnl.dnnl_success) throw new IllegalStateException("engine");
        Thread[] threads = new Thread[3];
        int[][] shapes = {{128, 512, 784}, {128, 256, 512}, {128, 10, 256}};
        for (int t = 0; t < threads.length; t++) {
            int[] mnk = shapes[t];
            threads[t] = new Thread(() -> run(mnk[0], mnk[1], mnk[2]));
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        System.out.println("no crash this time");
    }

    static void run(int m, int n, int k) {
        Arena arena = Arena.ofShared();
        MemorySegment a = arena.allocate(4L * m * k, 64), b = arena.allocate(4L * n * k, 64), c = arena.allocate(4L * m * n, 64);
        for (int i = 0; i < 20_000; i++) {
            int half = n / 2;
            int status = dnnl.dnnl_sgemm((byte) 'N', (byte) 'T', m, half, k, 1f, new FloatView(a, 0), k,
                    new FloatView(b, (long) half * k), k, 0f, new FloatView(c, half), n);
            if (status != dnnl.dnnl_success) throw new IllegalStateException("dnnl_sgemm " + status);
        }
    }
}
