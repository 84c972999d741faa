package dev.mxj.op;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ShapeTest {
    @Test void printsLikeMxnet() {
        assertEquals("(2, 3)", Shape.of(2, 3).toString());
        assertEquals("(5,)", Shape.of(5).toString());
        assertEquals("()", Shape.scalar().toString());
        assertEquals("None", Shape.unknown().toString());
        assertEquals("(None, 3)", Shape.of(-1, 3).toString());
    }

    @Test void parsesMxnetTupleStrings() {
        assertEquals(Shape.of(2, 3), Shape.parse("(2, 3)"));
        assertEquals(Shape.of(2, 3), Shape.parse("[2,3]"));
        assertEquals(Shape.of(5), Shape.parse("(5,)"));
        assertEquals(Shape.of(7), Shape.parse("7"));
        assertEquals(Shape.scalar(), Shape.parse("()"));
        assertEquals(Shape.of(-1, 4), Shape.parse("(None, 4)"));
        assertThrows(IllegalArgumentException.class, () -> Shape.parse("(2,,3)"));
        assertThrows(NumberFormatException.class, () -> Shape.parse("(a, 3)"));
    }

    @Test void sizeStridesAndAxes() {
        Shape s = Shape.of(2, 3, 4);
        assertEquals(24, s.size());
        assertArrayEquals(new long[] {12, 4, 1}, s.strides());
        assertEquals(4, s.dim(-1));
        assertEquals(2, s.axis(-1));
        assertThrows(IllegalArgumentException.class, () -> s.axis(3));
        assertEquals(1, Shape.scalar().size());
        assertThrows(IllegalStateException.class, () -> Shape.of(-1, 2).size());
        assertThrows(IllegalArgumentException.class, () -> Shape.of(-2, 2));
    }

    @Test void mergeFillsUnknownsAndDetectsConflicts() {
        assertEquals(Shape.of(2, 3), Shape.merge(Shape.of(-1, 3), Shape.of(2, -1)));
        assertEquals(Shape.of(2, 3), Shape.merge(Shape.unknown(), Shape.of(2, 3)));
        assertEquals(Shape.of(2, 3), Shape.merge(null, Shape.of(2, 3)));
        assertNull(Shape.merge(Shape.of(2, 3), Shape.of(2, 4)));
        assertNull(Shape.merge(Shape.of(2, 3), Shape.of(2, 3, 1)));
    }
}
