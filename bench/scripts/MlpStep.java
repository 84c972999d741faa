import dev.mxj.Context;
import dev.mxj.autograd.Autograd;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.ndarray.Nd;
import dev.mxj.op.DType;
import dev.mxj.optimizer.Optimizer;
import dev.mxj.optimizer.Updater;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Java twin of mlp_step.py / mlp_step.js, printing the same figures (median samples/s and
 * process CPU per step), so that the front ends can be compared with Java in runs made one right
 * after the other:
 * {@code java --enable-native-access=ALL-UNNAMED -cp cli/target/classes:$(cat cli/target/classpath.txt) bench/scripts/MlpStep.java [warmup] [steps]}.
 */
public final class MlpStep {
    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 400, steps = args.length > 1 ? Integer.parseInt(args[1]) : 41, batch = 128;
        int[] sizes = {784, 512, 256, 10};
        dev.mxj.Random.seed(1);
        NDArray x = Nd.randomUniform(0.0, 1.0, new long[] {batch, 784}, Context.cpu(), null);
        NDArray y = Nd.randomRandint(0, 10, new long[] {batch}, Context.cpu(), "int32").asType(DType.FLOAT32);
        List<NDArray> params = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            params.add(Nd.randomUniform(-0.05, 0.05, new long[] {sizes[l + 1], sizes[l]}, Context.cpu(), null));
            params.add(Nd.randomUniform(-0.05, 0.05, new long[] {sizes[l + 1]}, Context.cpu(), null));
        }
        for (NDArray p : params) p.attachGrad();
        Updater sgd = Optimizer.getUpdater(Optimizer.create("sgd", Map.of("learning_rate", 0.01, "rescale_grad", 1.0 / batch)));
        Runnable step = () -> {
            try (NDScope s = NDScope.open()) {
                NDArray loss;
                try (var rec = Autograd.record()) {
                    NDArray h = x;
                    for (int l = 0; l < 3; l++) {
                        h = Nd.fullyConnected(h, params.get(2 * l), params.get(2 * l + 1), sizes[l + 1]);
                        if (l < 2) h = Nd.activation(h, "relu");
                    }
                    loss = Nd.softmaxCrossEntropy(h, y);
                }
                loss.backward();
                for (int i = 0; i < params.size(); i++) sgd.call(i, params.get(i).grad(), params.get(i));
                NDArray.waitAll();
            }
        };
        long w0 = System.nanoTime();
        for (int i = 0; i < warmup; i++) step.run();
        double warm = (System.nanoTime() - w0) / 1e9;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long[] t = new long[steps];
        for (int i = 0; i < steps; i++) {
            long s = System.nanoTime();
            step.run();
            t[i] = System.nanoTime() - s;
        }
        long cpu1 = os.getProcessCpuTime();
        Arrays.sort(t);
        double median = t[steps / 2] / 1e6;
        System.out.printf("Java MLP 784-512-256-10 training step (SGD), batch %d: %.0f samples/s (median %.2f ms/step of %d, min %.2f, max %.2f; "
                        + "process CPU %.2f ms/step; %d warm-up steps in %.1f s)%n",
                batch, batch * 1000 / median, median, steps, t[0] / 1e6, t[steps - 1] / 1e6, (cpu1 - cpu0) / 1e6 / steps, warmup, warm);
        System.exit(0);
    }
}
