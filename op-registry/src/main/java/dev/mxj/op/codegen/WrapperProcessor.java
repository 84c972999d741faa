package dev.mxj.op.codegen;

import dev.mxj.op.OpRegistry;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import java.io.IOException;
import java.io.Writer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Annotation processor that runs {@link WrapperGenerator} at compile time for the class marked
 * {@link GenerateOpWrappers}: the wrappers then always match the operator registry on the
 * class path, and no generated code is checked in. Enable it explicitly in the compiler
 * configuration (runtime-core's pom names it with {@code -processor}).
 */
@SupportedAnnotationTypes({"dev.mxj.op.codegen.GenerateOpWrappers", "dev.mxj.op.codegen.GenerateSymbolWrappers"})
public final class WrapperProcessor extends AbstractProcessor {
    private boolean done, symbolsDone;

    @Override public SourceVersion getSupportedSourceVersion() { return SourceVersion.latestSupported(); }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (!symbolsDone) {
            for (Element e : round.getElementsAnnotatedWith(GenerateSymbolWrappers.class)) {
                if (e.getKind() != ElementKind.CLASS) continue;
                String pkg = ((PackageElement) e.getEnclosingElement()).getQualifiedName().toString();
                try {
                    write(new WrapperGenerator(OpRegistry.global(), pkg, "Symbol", Set.of()).generateSymbols(pkg), pkg, (TypeElement) e);
                } catch (IOException | RuntimeException ex) {
                    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "symbol wrapper generation failed: " + ex, e);
                }
                symbolsDone = true;
            }
        }
        if (done) return false;
        for (Element e : round.getElementsAnnotatedWith(GenerateOpWrappers.class)) {
            if (e.getKind() != ElementKind.CLASS) continue;
            TypeElement type = (TypeElement) e;
            String pkg = ((PackageElement) type.getEnclosingElement()).getQualifiedName().toString();
            Set<String> handWritten = new HashSet<>();
            for (Element m : type.getEnclosedElements()) {
                if (m.getKind() != ElementKind.METHOD) continue;
                ExecutableElement x = (ExecutableElement) m;
                StringBuilder sig = new StringBuilder(x.getSimpleName()).append('(');
                for (VariableElement p : x.getParameters()) sig.append(processingEnv.getTypeUtils().erasure(p.asType())).append(',');
                handWritten.add(sig.append(')').toString() + (x.getModifiers().contains(Modifier.STATIC) ? "static" : ""));
                handWritten.add(x.getSimpleName().toString() + "#name");
            }
            try {
                WrapperGenerator g = new WrapperGenerator(OpRegistry.global(), pkg, type.getSimpleName().toString(), handWritten);
                write(g.generate(), pkg, type);
            } catch (IOException | RuntimeException ex) {
                processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "operator wrapper generation failed: " + ex, type);
            }
            done = true;
        }
        return false;
    }

    private void write(Map<String, String> files, String pkg, TypeElement origin) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            JavaFileObject jfo = processingEnv.getFiler().createSourceFile(pkg + "." + f.getKey(), origin);
            try (Writer w = jfo.openWriter()) {
                w.write(f.getValue());
            }
        }
    }
}
