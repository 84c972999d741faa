package dev.mxj.op;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OpDefTest {
    private static final OpRegistry REG = new OpRegistry();
    private static final OpDef FC = OpDef.builder("FullyConnected")
            .alias("FC")
            .param(Param.intParam("num_hidden").required().min(1))
            .param(Param.boolParam("no_bias").defaultValue(false))
            .param(Param.boolParam("flatten").defaultValue(true))
            .param(Param.intTupleParam("kernel").defaultValue(new long[] {1, 1}))
            .param(Param.enumParam("act", "relu", "tanh").defaultValue("relu"))
            .param(Param.intParam("axis").optional())
            .param(Param.floatParam("eps").defaultValue(1e-3).min(0))
            .param(Param.dtypeParam("dtype").defaultValue(DType.FLOAT32))
            .inputs(a -> a.getBool("no_bias") ? List.of("data", "weight") : List.of("data", "weight", "bias"))
            .register(REG);

    @Test void parsesStringFormsAsSymbolJsonStoresThem() {
        Attrs a = FC.parseAttrs(Map.of("num_hidden", "10", "no_bias", "True", "kernel", "(3, 3)", "act", "tanh", "axis", "None", "eps", "1e-5", "dtype", "float16"));
        assertEquals(10, a.getInt("num_hidden"));
        assertTrue(a.getBool("no_bias"));
        assertArrayEquals(new int[] {3, 3}, a.getInts("kernel"));
        assertEquals("tanh", a.getString("act"));
        assertTrue(a.isNone("axis"));
        assertEquals(1e-5, a.getDouble("eps"));
        assertEquals(DType.FLOAT16, a.getDType("dtype"));
        assertEquals(List.of("data", "weight"), FC.inputNames(a));
    }

    @Test void parsesTypedValues() {
        Attrs a = FC.parseAttrs(Map.of("num_hidden", 4, "kernel", new int[] {2, 2}, "axis", -1, "flatten", false));
        assertEquals(4, a.getInt("num_hidden"));
        assertEquals(-1, a.getInt("axis"));
        assertFalse(a.getBool("flatten"));
        assertEquals(3, FC.numInputs(a));
        assertEquals(a, FC.parseAttrs(Map.of("num_hidden", "4", "kernel", "(2,2)", "axis", "-1", "flatten", "0")));
    }

    @Test void keepsGivenParametersInCanonicalStringForm() {
        Attrs a = FC.parseAttrs(Map.of("num_hidden", 4, "no_bias", true, "kernel", List.of(3, 3)));
        assertEquals(Map.of("num_hidden", "4", "no_bias", "True", "kernel", "(3, 3)"), a.givenAsStrings());
    }

    @Test void unknownParameterNamesOperatorParameterValueAndChoices() {
        ParameterException e = assertThrows(ParameterException.class, () -> FC.parseAttrs(Map.of("num_hidden", 2, "num_hiden", 3)));
        assertTrue(e.getMessage().contains("FullyConnected"), e.getMessage());
        assertTrue(e.getMessage().contains("num_hiden"), e.getMessage());
        assertTrue(e.getMessage().contains("'3'"), e.getMessage());
        assertTrue(e.getMessage().contains("num_hidden"), e.getMessage());
    }

    @Test void invalidValueSaysWhatWasExpected() {
        ParameterException e = assertThrows(ParameterException.class, () -> FC.parseAttrs(Map.of("num_hidden", "abc")));
        assertTrue(e.getMessage().contains("'abc'") && e.getMessage().contains("num_hidden") && e.getMessage().contains("int >= 1"), e.getMessage());
        e = assertThrows(ParameterException.class, () -> FC.parseAttrs(Map.of("num_hidden", 0)));
        assertTrue(e.getMessage().contains("int >= 1"), e.getMessage());
        e = assertThrows(ParameterException.class, () -> FC.parseAttrs(Map.of("num_hidden", 1, "act", "gelu")));
        assertTrue(e.getMessage().contains("'relu'") && e.getMessage().contains("'tanh'"), e.getMessage());
        e = assertThrows(ParameterException.class, () -> FC.parseAttrs(Map.of("num_hidden", 1.5)));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(ParameterException.class, () -> FC.parseAttrs(Map.of("num_hidden", 1, "no_bias", "maybe")));
        assertTrue(e.getMessage().contains("boolean"), e.getMessage());
        e = assertThrows(ParameterException.class, () -> FC.parseAttrs(Map.of("num_hidden", 1, "dtype", "complex64")));
        assertTrue(e.getMessage().contains("dtype"), e.getMessage());
    }

    @Test void missingRequiredParameter() {
        ParameterException e = assertThrows(ParameterException.class, () -> FC.parseAttrs(Map.of()));
        assertTrue(e.getMessage().contains("required parameter 'num_hidden'"), e.getMessage());
    }

    @Test void userAttributesAreIgnored() {
        Attrs a = FC.parseAttrs(Map.of("num_hidden", 2, "__lr_mult__", "0.1"));
        assertFalse(a.givenAsStrings().containsKey("__lr_mult__"));
    }

    @Test void registryResolvesAliasesAndRejectsDuplicates() {
        assertSame(FC, REG.get("FC"));
        assertEquals(List.of("FC", "FullyConnected"), REG.allNames());
        assertEquals(1, REG.size());
        UnknownOperatorException e = assertThrows(UnknownOperatorException.class, () -> REG.get("Foo"));
        assertTrue(e.getMessage().contains("Foo"));
        assertThrows(IllegalStateException.class, () -> OpDef.builder("FC").register(REG));
    }

    @Test void imperativeShapeInferenceReportsConflicts() {
        OpRegistry r = new OpRegistry();
        OpDef add = OpDef.builder("t_add").inputs("lhs", "rhs").register(r);
        Attrs a = add.parseAttrs(Map.of());
        assertArrayEquals(new Shape[] {Shape.of(2, 3)}, add.inferOutputShapes(a, new Shape[] {Shape.of(2, 3), Shape.of(2, 3)}));
        ShapeException e = assertThrows(ShapeException.class, () -> add.inferOutputShapes(a, new Shape[] {Shape.of(2, 3), Shape.of(3, 2)}));
        assertTrue(e.getMessage().contains("t_add") && e.getMessage().contains("(3, 2)"), e.getMessage());
        TypeException t = assertThrows(TypeException.class, () -> add.inferOutputTypes(a, new DType[] {DType.FLOAT32, DType.INT32}));
        assertTrue(t.getMessage().contains("t_add"), t.getMessage());
    }

    @Test void variadicInputsFollowTheCountParameter() {
        OpRegistry r = new OpRegistry();
        OpDef cat = OpDef.builder("t_concat").param(Param.intParam("num_args").required().min(1)).variadicInputs("num_args").register(r);
        Attrs a = cat.parseAttrs(Map.of("num_args", 3));
        assertEquals(List.of("arg0", "arg1", "arg2"), cat.inputNames(a));
        assertEquals("num_args", cat.keyVarNumArgs());
    }
}
